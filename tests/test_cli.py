"""The run end to end through the command line (one Prefect flow run per call)."""
import json

import pandas as pd
import pytest

from pipeline.cli import main
from tests.conftest import SAMPLES
from tests.helpers import csv_files

CONTENT_TABLES = ("documents", "articles", "sentences", "entities", "measures")


# The entities rows the README's worked example shows, every column it shows.
WORKED_EXAMPLE = [
    {"label": "MONEY", "text": "3135.7万元", "value": 31357000.0, "currency": "CNY", "unit": None, "qualifier": None,
     "source": "numeric"},
    {"label": "QUANTITY", "text": "80周岁及以上", "value": 80.0, "unit": "周岁", "qualifier": "at_least",
     "source": "numeric"},
    {"label": "QUANTITY", "text": "一百多人", "value": 100.0, "unit": "人", "qualifier": "more_than", "source": "numeric"},
    {"label": "DATE", "text": "3月11日", "date_value": "2025-03-11", "date_start": "2025-03-11",
     "date_end": "2025-03-11", "grain": "day", "value": None, "source": "numeric"},
    {"label": "DATE", "text": "过去的一年", "date_value": "2024", "date_start": "2024-01-01", "date_end": "2024-12-31",
     "grain": "year", "source": "numeric"},
    {"label": "ORG", "text": "市民政局", "norm": "阳泉市民政局", "value": None, "source": "rules"},
    {"label": "GPE", "text": "我市", "norm": "阳泉市", "source": "rules"},
    {"label": "PERSON", "text": "刘阳", "norm": "刘阳", "source": "layout"},
    {"label": "PERSON", "text": "苏景云", "norm": "苏景云", "source": "ner"},
]


def read(out, table):
    frame = pd.read_parquet(out / table)
    sort = [c for c in ("doc_id", "entity_id", "sentence_id", "article_id") if c in frame.columns]
    return frame.sort_values(sort).reset_index(drop=True) if sort else frame


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["run", str(SAMPLES), "--out", str(out), "--config", "configs/pipeline.yaml"])
    return out, code


def test_the_sample_run_writes_the_eight_tables(sample_run):
    out, code = sample_run
    assert code == 0
    for table in CONTENT_TABLES + ("repeats", "runs", "errors"):
        assert list((out / table).rglob("*.parquet")), table
        assert csv_files(out, table) and all(path.exists() for path in csv_files(out, table)), table
    documents = read(out, "documents")
    assert len(documents) == 2
    page = documents[documents.source.str.contains("000_e0aca1a44daf8f47")].iloc[0]
    assert str(page.pub_date) == "2025-03-12"
    sentences = read(out, "sentences")
    texts = dict(zip(documents.doc_id, documents.text))
    for row in sentences.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    entities = read(out, "entities")
    for row in entities.itertuples():
        assert texts[row.doc_id][row.start:row.end] == row.text
    assert set(entities.label) == {"ORG", "PERSON", "GPE", "LOC", "DATE", "MONEY", "PERCENT", "QUANTITY"}
    on_page = entities[entities.doc_id == page.doc_id]
    for expected in WORKED_EXAMPLE:
        found = on_page[(on_page.label == expected["label"]) & (on_page.text == expected["text"])]
        assert len(found), expected
        row = found.iloc[0]
        for column, value in expected.items():
            got = row[column]
            got = None if got is None or (not isinstance(got, str) and pd.isna(got)) else got
            assert (str(got) if column.startswith("date_") and got is not None else got) == value, (expected, column)
    runs = read(out, "runs")
    assert runs.n_documents.tolist() == [2] and runs.n_errors.tolist() == [0]
    measures = read(out, "measures").merge(entities[["entity_id", "label", "text"]], on="entity_id")
    assert set(measures.label) == {"MONEY", "PERCENT", "QUANTITY"}
    gdp = measures[measures.text == "114万亿元"].iloc[0]
    assert (gdp.indicator, gdp.kind, bool(gdp.target), gdp.period, gdp.place) == (
        "国内生产总值", "level", False, "2021", "中国")
    for row in measures.dropna(subset=["indicator_start"]).itertuples():
        assert texts[row.doc_id][int(row.indicator_start):int(row.indicator_end)] == row.indicator


def test_a_rerun_skips_everything_and_changes_no_table(sample_run):
    out, _ = sample_run
    before = {table: read(out, table) for table in CONTENT_TABLES}
    assert main(["run", str(SAMPLES), "--out", str(out), "--config", "configs/pipeline.yaml"]) == 0
    for table in CONTENT_TABLES:
        pd.testing.assert_frame_equal(before[table], read(out, table))
    runs = read(out, "runs").sort_values("started_at")
    assert runs.n_documents.tolist() == [2, 0]


def test_refused_inputs_give_exit_1_and_one_error_row_each(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text("本报讯 我市召开会议。会议指出，成效明显。", encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "feed.jsonl").write_text('{"text": "第二篇文章。"}\n{oops\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(inputs), "--out", str(out), "--pub-date", "2025-03-12"]) == 1
    errors = read(out, "errors")
    assert sorted(errors.error_type) == ["empty", "malformed_json"]
    documents = read(out, "documents")
    assert len(documents) == 2 and set(documents.pub_date.astype(str)) == {"2025-03-12"}


def test_a_bad_config_is_exit_2_naming_the_key(tmp_path, capsys):
    config = tmp_path / "bad.yaml"
    config.write_text("home: {city: 阳泉市}\nrunnner: {kind: local}\n", encoding="utf-8")
    assert main(["run", str(SAMPLES), "--out", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert "runnner" in capsys.readouterr().err
    config.write_text("batching: {max_chars: lots}\n", encoding="utf-8")
    assert main(["run", str(SAMPLES), "--out", str(tmp_path / "out"), "--config", str(config)]) == 2
    assert "batching.max_chars" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_usage_errors_are_exit_2(tmp_path):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(SAMPLES)])
    assert exit_info.value.code == 2
    assert main(["run", str(tmp_path / "missing"), "--out", str(tmp_path / "out")]) == 2


def test_an_unwritable_output_is_exit_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", str(SAMPLES), "--out", str(blocker / "out")]) == 2
    assert f"{blocker / 'out'} cannot be made: {blocker} is a file" in capsys.readouterr().err
