"""Held-out evaluation: the name model alone and the names layer per label (PD
days 28-31, MSRA's carved block, CLUENER's carved block), segmenter word F1
(PD days 28-31) and throughput of tokenizer + names."""
from __future__ import annotations

import re
import time
from pathlib import Path

from .corpora import PD_DEV_DAYS, PD_TEST_DAYS, read_pd
from .names_data import held_out_sets
from .names_train import score_spans

LABELS = ("ORG", "PERSON", "PLACE")


def evaluate_name_model(model_dir: Path) -> dict:
    """The model alone (pipeline/extract/names/model.py as the pipeline loads it), exact spans."""
    from pipeline.extract.names.model import NameModel

    model = NameModel.load(model_dir)
    results = {}
    for name, pairs in held_out_sets().items():
        texts = [text for text, _ in pairs]
        started = time.time()
        found = model(texts)
        seconds = time.time() - started
        scores = score_spans([gold for _, gold in pairs], [set(f) for f in found], LABELS)
        results[name] = {"docs": len(texts), "chars": sum(map(len, texts)),
                         "entities": sum(len(gold) for _, gold in pairs), **scores, "seconds": round(seconds, 1)}
    return results


def _word_spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for word in words:
        spans.add((pos, pos + len(word)))
        pos += len(word)
    return spans


def evaluate_segmenter(models_dir: Path) -> dict:
    from pipeline.extract.segment import blank_pkuseg_nlp

    nlp = blank_pkuseg_nlp(models_dir)
    paragraphs = [p for p in read_pd() if p.day in PD_TEST_DAYS]
    texts = [p.text for p in paragraphs]
    started = time.time()
    docs = list(nlp.pipe(texts))
    seconds = time.time() - started
    correct = predicted = gold = 0
    for paragraph, doc in zip(paragraphs, docs):
        gold_spans = _word_spans(paragraph.words)
        predicted_spans = {(t.idx, t.idx + len(t.text)) for t in doc if not t.is_space}
        correct += len(gold_spans & predicted_spans)
        predicted += len(predicted_spans)
        gold += len(gold_spans)
    p, r = correct / predicted, correct / gold
    chars = sum(map(len, texts))
    return {"paragraphs": len(texts), "chars": chars, "words": gold, "p": round(p, 4), "r": round(r, 4),
            "f": round(2 * p * r / (p + r), 4), "chars_per_second": round(chars / seconds)}


def benchmark(models_dir: Path, repeats: int = 2) -> dict:
    """chars/s of spaCy's char tokenizer + the name components, one process,
    nlp.pipe over PD test paragraphs (the unit the pipeline hands over is a sentence;
    paragraphs are split at 。！？ to match)."""

    from pipeline.config import parse_config
    from pipeline.extract.nlp import build_nlp, carrier_doc

    sentences = [s for p in read_pd() if p.day in PD_TEST_DAYS for s in re.split(r"(?<=[。！？])", p.text) if s]
    chars = sum(map(len, sentences))
    results = {"sentences": len(sentences), "chars": chars}
    for label, components in (("tokenizer+ner", ["ner"]), ("tokenizer+rules+ner", ["rules", "ner"]),
                              ("tokenizer+rules", ["rules"])):
        config = parse_config({"extract": {"components": components, "models_dir": str(models_dir)},
                               "home": {"province": "山西省", "city": "阳泉市"}})
        nlp = build_nlp(config)
        list(nlp.pipe(sentences[:200]))  # warm up
        best = 0.0
        for _ in range(repeats):
            started = time.time()
            for _doc in nlp.pipe((carrier_doc(nlp, s) for s in sentences), batch_size=256):
                pass
            best = max(best, chars / (time.time() - started))
        results[label] = round(best)
    return results


# --- the names layer as the pipeline runs it ------------------------------------------

SENTENCE_END = re.compile(r"(?<=[。！？])")
LAYER_LABELS = {"ORG": "ORG", "PERSON": "PERSON", "GPE": "PLACE", "LOC": "PLACE"}


def _held_out_document(doc_id: str, paragraphs: list[str]):
    """A document as the extract stage sees it: one article, paragraphs split into sentences."""
    from pipeline.types import Article, Document, Sentence

    text = "\n".join(paragraphs)
    sentences, offset = [], 0
    for paragraph in paragraphs:
        for piece in SENTENCE_END.split(paragraph):
            if piece:
                sentences.append(Sentence(f"{doc_id}-s{len(sentences)}", f"{doc_id}-a1", len(sentences),
                                          offset, offset + len(piece), piece))
                offset += len(piece)
        offset += 1  # the newline between paragraphs
    return Document(doc_id, doc_id, "txt", "utf_8", None, None, text, "",
                    [Article(f"{doc_id}-a1", 1, None, 0, len(text))], sentences)


def _score(gold: list[set], found: list[set]) -> dict:
    return score_spans(gold, found, LABELS)


def evaluate_names_layer(models_dir: Path, split: str = "test", components: tuple[str, ...] = ("rules", "ner"),
                         processes: int = 0) -> dict:
    """Rules + model + names repeated in an article, through the extract stage, on the
    held-out sets (``split="dev"``: the dev parts, where the layer's rules are tuned):
    PD days 28-31 (day 27) as whole articles, MSRA's and CLUENER's blocks text by
    text (they mark no article boundaries), scored against MSRA without its one-character
    places (as the model's data) and with them (msra_raw).  GPE and LOC count as PLACE."""
    from pipeline.config import parse_config

    config = parse_config({"extract": {"components": list(components), "models_dir": str(models_dir),
                                       "processes": processes}})
    pd_texts, pd_gold = held_out_pd_articles(PD_TEST_DAYS if split == "test" else PD_DEV_DAYS)
    msra_texts, msra_raw_gold = held_out_msra_sentences(split)
    msra_gold = msra_as_trained(msra_texts, msra_raw_gold)
    found_pd = names_layer_found("pd", pd_texts, config)
    found_msra = names_layer_found("msra", msra_texts, config)
    cluener_texts, cluener_gold = held_out_cluener_sentences(split)
    found_cluener = names_layer_found("cluener", cluener_texts, config)
    pd_days = PD_TEST_DAYS if split == "test" else PD_DEV_DAYS
    pd_contract_gold = [contract_gold("\n".join(paragraphs), gold | bodies) for paragraphs, gold, bodies
                        in zip(pd_texts, pd_gold, held_out_pd_body_abbreviations(pd_days))]
    return {
        "pd": {"texts": len(pd_texts), **_score(pd_gold, found_pd)},
        "pd_contract": {"texts": len(pd_texts), **_score(pd_contract_gold, found_pd)},
        "msra": {"texts": len(msra_texts), **_score(msra_gold, found_msra)},
        "msra_contract": {"texts": len(msra_texts), **_score(
            [contract_gold(text[0], gold) for text, gold in zip(msra_texts, msra_gold)], found_msra)},
        "msra_raw": {"texts": len(msra_texts), **_score(msra_raw_gold, found_msra)},
        "cluener": {"texts": len(cluener_texts), **_score(cluener_gold, found_cluener)},
    }


# Where the corpora's marks differ from what docs/entities.md says in so many words:
# "我市 / 我国 / 本市" are GPE; 市委 and 市政府 ("conventional short names of a specific
# body with a level prefix") are ORG, and so are the body abbreviations PD tags j
# (政协, 欧盟: held_out_pd_body_abbreviations); "a contiguous administrative chain is
# one mention" (PD and MSRA mark 河北省 and 张北县 apart).
CONTRACT_SELF_REFERENCES = re.compile("我国|我市|本市")
CONTRACT_LEVEL_BODIES = re.compile("(?<![城全各本我都超地社])[省市县区乡镇](?:委|政府|人大|政协|纪委)")
CONTRACT_CHAIN_UNITS = ("特别行政区", "自治区", "自治州", "自治县", "街道", "社区", "省", "市", "县", "区", "乡", "镇", "村", "州", "旗")


def contract_gold(text: str, gold: set) -> set:
    """A held-out text's gold (a PD article, an MSRA sentence) with docs/entities.md's explicit conventions applied."""
    merged: list[tuple[int, int, str]] = []
    for start, end, label in sorted(gold):
        previous = merged[-1] if merged else None
        if (previous and label == "PLACE" and previous[2] == "PLACE" and previous[1] == start
                and (text[previous[0]:previous[1]].endswith(CONTRACT_CHAIN_UNITS)
                     or text[start:end].endswith(CONTRACT_CHAIN_UNITS))):
            merged[-1] = (previous[0], end, "PLACE")
        else:
            merged.append((start, end, label))
    taken = [(start, end) for start, end, _ in merged]
    places_ending_at = {end for _, end, label in merged if label == "PLACE"}
    for pattern, label in ((CONTRACT_SELF_REFERENCES, "PLACE"), (CONTRACT_LEVEL_BODIES, "ORG")):
        for match in pattern.finditer(text):
            start, end = match.span()
            if start not in places_ending_at and all(end <= s or start >= e for s, e in taken):
                merged.append((start, end, label))
                taken.append((start, end))
    return set(merged)


def held_out_pd_articles(days: set[int] = PD_TEST_DAYS) -> tuple[list[list[str]], list[set]]:
    """PD days 28-31 (or other days) as articles: their paragraphs, and gold spans into the joined text."""
    articles = _pd_articles(days)
    return ([[p.text for p in paragraphs] for paragraphs in articles],
            [_article_gold(paragraphs, lambda p: p.entities) for paragraphs in articles])


def held_out_pd_body_abbreviations(days: set[int] = PD_TEST_DAYS) -> list[set]:
    """Per article (in held_out_pd_articles' order), the body abbreviations PD tags j (政协, 欧盟)."""
    from .corpora import abbreviated_bodies

    return [_article_gold(paragraphs, abbreviated_bodies) for paragraphs in _pd_articles(days)]


def _pd_articles(days: set[int]) -> list[list]:
    articles: dict[str, list] = {}
    for paragraph in read_pd():
        if paragraph.day in days:
            articles.setdefault(paragraph.para_id[:15], []).append(paragraph)
    return list(articles.values())


def held_out_msra_sentences(split: str = "test") -> tuple[list[list[str]], list[set]]:
    from .corpora import msra_split, read_msra

    msra = list(read_msra())
    test = [s for i, s in enumerate(msra) if msra_split(i, len(msra)) == split]
    return [[s.text] for s in test], [set(s.entities) for s in test]


def msra_as_trained(texts: list[list[str]], raw_gold: list[set]) -> list[set]:
    """MSRA's marks in the convention the model is trained on (training/names_data.py)."""
    from .corpora import without_doctrine_people, without_one_char_places

    return [set(without_doctrine_people(text[0], without_one_char_places(sorted(gold))))
            for text, gold in zip(texts, raw_gold)]


def held_out_cluener_sentences(split: str = "test") -> tuple[list[list[str]], list[set]]:
    from .corpora import cluener_split, read_cluener

    cluener = list(read_cluener())
    test = [s for i, s in enumerate(cluener) if cluener_split(i, len(cluener)) == split]
    return [[s.text] for s in test], [set(s.entities) for s in test]


def names_layer_found(name: str, texts: list[list[str]], config) -> list[set]:
    """(start, end, PLACE/ORG/PERSON) the extract stage finds in each held-out text."""
    from pipeline.extract.stage import extract_documents

    documents = [_held_out_document(f"{name}{i}", paragraphs) for i, paragraphs in enumerate(texts)]
    extract_documents(documents, config)
    return [{(m.start, m.end, LAYER_LABELS[m.label]) for m in d.mentions if m.label in LAYER_LABELS}
            for d in documents]


def _article_gold(paragraphs, spans_of) -> set:
    gold, offset = set(), 0
    for paragraph in paragraphs:
        gold |= {(start + offset, end + offset, label) for start, end, label in spans_of(paragraph)}
        offset += len(paragraph.text) + 1
    return gold
