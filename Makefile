# Everything a fresh machine with only Python needs: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLES := data/samples
OUT ?= out

.PHONY: run test train bench bench-memory bench-peers clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -c constraints.txt -e ".[test]"
	@# pip compiles one file at a time (~20 s here); this uses every core (~12 s). Like pip, it passes over
	@# the files a package ships for newer Pythons, which do not compile here: its status is not a failure.
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/pipeline run $(SAMPLES) --out $(OUT) --config configs/pipeline.yaml

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Retrains the models in data/models from ../shared/data (not part of CI).
train: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,bench,train]"  # place_names reads JioNLP's dictionaries
	$(BIN)/python -m training

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,bench]"
	$(BIN)/python -m bench

# Peak memory of `pipeline run` on People's Daily 1998-01 four times over (~25 MB).
bench-memory: $(STAMP)
	$(BIN)/python -m bench.memory

# Names on the held-out sets beside LAC, jiagu, THULAC and jieba.posseg (bench/peers_names.py).
# PIP_CONSTRAINT reaches the isolated build of LAC's source package (see bench/build-constraints.txt).
bench-peers: $(STAMP)
	PIP_CONSTRAINT=bench/build-constraints.txt $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test,bench,peers]"
	$(BIN)/python -m bench.peers_names

clean:
	rm -rf $(OUT) .prefect .pytest_cache
