"""Writes data/models/README.md (the model card) from data/models/metrics.json."""
from __future__ import annotations

import json
from pathlib import Path

from .package import MODELS_DIR

# The issue's targets; the card states plainly which ones this build meets.
TARGETS = {"ORG": 0.90, "PERSON": 0.95, "PLACE": 0.92}
SEGMENTER_TARGET = 0.97
SPEED_TARGET = 30_000

HELD_OUT_TITLES = (
    ("pd", "People's Daily, days 28-31"),
    ("msra", "MSRA, carved held-out block, one-character places not marked (as trained)"),
    ("msra_raw", "MSRA, the same block with MSRA's own marks"),
)
LAYER_TITLES = HELD_OUT_TITLES[:1] + (
    ("pd_contract", "People's Daily, days 28-31, with ENTITIES.md's explicit conventions applied to the gold"
                    " (我国/我市/本市 GPE, 市委/市政府-style bodies ORG, administrative chains one place)"),
) + HELD_OUT_TITLES[1:2] + (
    ("msra_contract", "MSRA's block as `msra`, with the same conventions applied"),
) + HELD_OUT_TITLES[2:]
LABEL_NOTE = "PLACE = GPE or LOC (the corpora do not split them; configs/names/places.yaml does)"


def _table(per_label: dict, overall: dict) -> list[str]:
    rows = ["| label | precision | recall | F1 |", "| --- | ---: | ---: | ---: |"]
    for label in ("ORG", "PERSON", "PLACE"):
        if label in per_label:
            s = per_label[label]
            rows.append(f"| {label} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} |")
    rows.append(f"| **all** | {overall['p']:.3f} | {overall['r']:.3f} | **{overall['f']:.3f}** |")
    return rows


def target_lines(metrics: dict) -> list[str]:
    lines = []
    for label, target in TARGETS.items():
        got = {name: metrics["ner"][name]["per_label"].get(label, {}).get("f", 0.0) for name in ("pd", "msra")}
        verdict = "met" if min(got.values()) >= target else "NOT met"
        lines.append(f"- {label} F1 >= {target:.2f}: {verdict} (PD {got['pd']:.3f}, MSRA {got['msra']:.3f})")
    seg = metrics.get("segmenter")
    if seg:
        verdict = "met" if seg["f"] >= SEGMENTER_TARGET else "NOT met"
        lines.append(f"- segmenter word F1 >= {SEGMENTER_TARGET:.2f}: {verdict} ({seg['f']:.3f})")
    speed = metrics.get("speed", {}).get("tokenizer+ner")
    if speed:
        verdict = "met" if speed >= SPEED_TARGET else "NOT met"
        lines.append(f"- tokenizer + NER >= {SPEED_TARGET:,} chars/s per process: {verdict} ({speed:,})")
    return lines


def encoder_description() -> str:
    """The character encoder's shape, read from configs/ner.cfg so the card cannot drift from it."""
    from thinc.api import Config

    encode = Config().from_disk(MODELS_DIR.parent.parent / "configs" / "ner.cfg", interpolate=False)
    encode = encode["components"]["tok2vec"]["model"]["encode"]
    return (f"a {encode['depth']}-layer maxout CNN (width {encode['width']}, each layer reading"
            f" {encode['window_size']} character(s) either side)")


def write_card(metrics: dict, target: Path = MODELS_DIR / "README.md") -> Path:
    ner = metrics["ner"]
    seg = metrics.get("segmenter")
    speed = metrics.get("speed", {})
    sizes = metrics.get("sizes", {})
    mb = lambda n: f"{n / 2**20:.1f} MB"  # noqa: E731
    lines = [
        "# Name models: card",
        "",
        "Built by `make train` (`python -m training`); see training/ for the recipe and",
        "configs/ner.cfg for the spaCy config. Trained on CPU (2 cores, shared).",
        "",
        "## Data and licence",
        "",
        "- **People's Daily 1998-01** (PKU ICL annotated corpus; research use, see",
        "  ../shared/data/peoples-daily-1998/SOURCE.md). The models here were trained on it.",
        "  Days 1-26 train, day 27 dev (checkpoint choice), days 28-31 held-out test.",
        "  `nt` -> ORG, `nr` -> PERSON (surname and given name joined; in a run of `nr` words",
        "  such as a byline, a word of one or two characters takes the next as its given name),",
        "  `ns` -> PLACE; bracketed compounds (`[中央/n 人民/n 广播/vn 电台/n]nt`) are one entity.",
        "- **MSRA NER (SIGHAN 2006) training split** (Microsoft Research Asia; research use, see",
        "  ../shared/data/msra-ner/SOURCE.md). Sentences with leftover XML (empty tags) dropped;",
        "  first 88% train, next 2% dev, last 10% held-out test (contiguous blocks, no shuffling).",
        "  MSRA marks one-character place abbreviations (中 and 美 in 中美, 华 in 华人: 6,008 of its",
        "  36,828 places); People's Daily never does and the pipeline drops them, so in the model's",
        "  data they are not entities. Its held-out block is scored both ways below (`msra`: as",
        "  trained; `msra_raw`: MSRA's own marks).",
        "- Full-width digits/letters folded as the pipeline's normalize does, so training text",
        "  looks like run-time text. Neither corpus is redistributed here; the models are",
        "  derived from research-licence data - check the licences before any commercial use.",
        "",
        "## NER (`ner/`, component `zh_statistical_names`)",
        "",
        "Character tokens (no entity is lost to a segmentation boundary). Each character is",
        "embedded with its left/right character bigrams and a lexicon feature (longest",
        f"PD-training word starting/ending/covering it; {metrics.get('lexicon_words', '?')} words, stored inside the",
        f"weights), then {encoder_description()} and spaCy's transition-based NER.",
        "The pipeline decodes that component's moves for a whole batch at once",
        "(`pipeline/ner_decode.py`, the component's own weights and rules; identical entities",
        "to spaCy's own decoding on the held-out sentences, and tested so).",
        f"Labels: ORG, PERSON, PLACE; {LABEL_NOTE}.",
        "",
    ]
    for name, title in HELD_OUT_TITLES:
        if name not in ner:
            continue
        result = ner[name]
        lines += [f"### Held-out: {title} ({result['docs']} texts, {result['chars']} chars, {result['entities']} entities)", ""]
        lines += _table(result["per_label"], result["overall"]) + [""]
    lines += ["Scores are exact-span matches of the model alone (before the rule layer)."]
    layer = metrics.get("names_layer")
    if layer:
        lines += ["", "### The names layer as the pipeline runs it",
                  "", "Rules + this model + names repeated within an article, through the extract stage",
                  "(`pipeline.extract.extract_documents`), exact spans, GPE and LOC counted as PLACE. PD days",
                  "28-31 as whole articles; MSRA's block sentence by sentence (it marks no articles).", ""]
        for name, title in LAYER_TITLES:
            if name not in layer:
                continue
            lines += [f"**{title}** ({layer[name]['texts']} texts)", ""]
            lines += _table(layer[name]["per_label"], layer[name]["overall"]) + [""]
    if "train" in metrics:
        lines += ["", f"Training: {metrics['train']}"]
    if seg:
        lines += [
            "",
            "## Segmenter (`pkuseg/`, `extract.segmenter: pkuseg`)",
            "",
            f"spacy-pkuseg CRF trained on PD days 1-27 ({seg.get('iterations', '?')} iterations, featureTrim"
            f" {seg.get('feature_trim', '?')}); user dictionary cleared at load (pipeline/segment.py).",
            f"Held-out PD days 28-31 ({seg['words']} words): word precision {seg['p']:.3f}, recall {seg['r']:.3f},"
            f" **F1 {seg['f']:.3f}**; {seg['chars_per_second']:,} chars/s inside spaCy.",
        ]
    if speed:
        lines += ["", "## Speed (one process, `nlp.pipe`, PD test sentences)", "",
                  "| pipeline | chars/s |", "| --- | ---: |"]
        for key, value in speed.items():
            if key not in ("sentences", "chars"):
                lines.append(f"| {key} | {value:,} |")
        lines += ["", "`tokenizer` is spaCy's character segmenter (the default, `extract.segmenter: char`)."]
    if sizes:
        lines += ["", "## Size", ""]
        for model, size in sorted(sizes["by_model"].items()):
            lines.append(f"- `{model}/`: {mb(size)}")
        lines.append(f"- total: {mb(sizes['total'])} (budget 40 MB; every file < 20 MB)")
    lines += ["", "## Against the targets", ""] + target_lines(metrics)
    if metrics.get("notes"):
        lines += ["", "## Notes", ""] + [f"- {note}" for note in metrics["notes"]]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    write_card(json.loads((MODELS_DIR / "metrics.json").read_text()))
