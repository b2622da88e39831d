"""Builds the name model's lexicon (data/models/names/lexicon.tsv.gz) from
configs/names/lexicon.yaml: jieba's dictionary by POS tag, wordfreq's Chinese
list, and the project's own name tables.  Read at build time only: the pipeline
reads the file written here, never jieba or wordfreq.
"""
from __future__ import annotations

import gzip
from pathlib import Path

from pipeline.config import CONFIG_DIR, MODELS_DIR, read_yaml
from pipeline.extract.names.features import MAX_WORD
from pipeline.extract.names.model import LEXICON_FILE
from pipeline.read.normalize import fold_width

NAMES_MODEL_DIR = MODELS_DIR / "names"
LEXICON_CONFIG = CONFIG_DIR / "names" / "lexicon.yaml"


def _jieba_dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).parent / "dict.txt"


def _length_category(word: str) -> str:
    return "word2" if len(word) == 2 else "word3" if len(word) == 3 else "word4"


def collect_words(config: dict) -> dict[str, set[str]]:
    """word -> its categories."""
    words: dict[str, set[str]] = {}

    def add(word: str, category: str) -> None:
        word = fold_width(word.strip())
        if word and len(word) <= MAX_WORD and "\0" not in word:
            words.setdefault(word, set()).add(category)

    tags = config["jieba_tags"]
    with _jieba_dictionary().open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) != 3 or int(parts[1]) < config["jieba_min_frequency"]:
                continue
            word, _, tag = parts
            if len(word) >= 2:
                add(word, _length_category(word))
            if tag in tags:
                add(word, tags[tag])
    import wordfreq

    for word in wordfreq.top_n_list("zh", config["wordfreq_top"]):
        if len(word) >= 2:
            add(word, "web")
    for word, category in _project_table_words():
        add(word, category)
    return words


def _project_table_words() -> list[tuple[str, str]]:
    names_dir = CONFIG_DIR / "names"
    places, orgs, people = (read_yaml(names_dir / f"{n}.yaml") for n in ("places", "orgs", "people"))
    pairs: list[tuple[str, str]] = []
    with (names_dir / "place_names.tsv").open(encoding="utf-8") as handle:
        pairs += [(line.split("\t")[0], "place_table") for line in handle if not line.startswith("#") and line.strip()]
    for key in ("gpe_names", "loc_names", "anchors"):
        pairs += [(w, "place_table") for w in places.get(key, [])]
    pairs += [(w, "surname") for w in people["surnames"]]
    for full_name, aliases in orgs["full_names"].items():  # 央行, 中国人民银行: organisations by name
        pairs += [(w, "org") for w in [full_name, *(aliases or [])]]
    for key in ("org_heads", "department_heads", "institution_suffixes", "sub_unit_suffixes"):
        pairs += [(w, "org_suffix") for w in orgs.get(key, [])]
    for key in ("gpe_suffixes", "loc_suffixes", "chain_unit_suffixes"):
        pairs += [(w, "place_suffix") for w in places.get(key, [])]
    pairs += [(w, "title") for w in orgs["titles"]] + [(w, "title") for w in people["address_titles"]]
    return pairs


def build_lexicon(target_dir: Path = NAMES_MODEL_DIR) -> dict:
    config = read_yaml(LEXICON_CONFIG)
    categories: list[str] = config["categories"]
    words = collect_words(config)
    unknown = {c for cats in words.values() for c in cats} - set(categories)
    if unknown:
        raise ValueError(f"lexicon.yaml: categories used but not listed: {sorted(unknown)}")
    target_dir.mkdir(parents=True, exist_ok=True)
    bit = {category: 1 << i for i, category in enumerate(categories)}
    with gzip.open(target_dir / LEXICON_FILE, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("word\t" + "\t".join(categories) + "\n")
        for word in sorted(words):
            mask = sum(bit[c] for c in words[word])
            handle.write(f"{word}\t{mask:x}\n")
    counts = {c: sum(1 for cats in words.values() if c in cats) for c in categories}
    return {"words": len(words), "per_category": counts,
            "bytes": (target_dir / LEXICON_FILE).stat().st_size}


if __name__ == "__main__":
    import json

    print(json.dumps(build_lexicon(), ensure_ascii=False, indent=1))
