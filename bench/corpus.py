"""The benchmark corpus: People's Daily 1998-01 as plain-text articles in JSON Lines.

The corpus file (``199801.utf8.txt``) is segmented and tagged: one paragraph a
line, ``19980101-01-001-004/m  １２月/t  ３１日/t  ，/w ...``, bracketed
compounds ``[中央/n  电视台/n]nt``, and a blank line between articles.  The
markup is stripped to the text as printed (full-width digits kept: folding
them is the pipeline's normalize stage's job) and each article becomes one
JSONL line with its ``pub_date`` from the paragraph id, one file per day, as a
nightly job would receive them.

The month holds 1.84 M characters.  A larger corpus adds the same month again
assembled as whole pages (every article of a page in one document, each under
a ``## `` heading): different documents to the pipeline (content hashes
differ, nothing is skipped as a duplicate), the same prose to every peer.
Without the corpus the committed sample pages stand in (a smoke run only).

    python -m bench.corpus FOLDER [--mb 2]

writes the corpus into an empty FOLDER, as input for runs whose tables are
compared (bench/compare_tables.py).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Iterator, Optional

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
PD_RELATIVE = Path("peoples-daily-1998") / "199801.utf8.txt"

_WORD = re.compile(r"\[?([^\s/\[\]]+)/[A-Za-z]+\]?[A-Za-z]*")


@dataclass
class Article:
    article_id: str  # 19980101-01-001: date, page, article
    paragraphs: list[str]

    @property
    def pub_date(self) -> str:
        day = self.article_id[:8]
        return f"{day[:4]}-{day[4:6]}-{day[6:8]}"

    @property
    def page_id(self) -> str:
        return self.article_id.rsplit("-", 1)[0]


@dataclass
class Corpus:
    """Where the corpus files are and the text the peers get (the same characters)."""

    folder: Path
    source: str  # "peoples-daily-1998" or "samples"
    documents: list[str] = field(default_factory=list)  # one text per pipeline document
    n_files: int = 0

    @property
    def n_chars(self) -> int:
        return sum(len(text) for text in self.documents)

    @property
    def n_bytes_utf8(self) -> int:
        return sum(len(text.encode("utf-8")) for text in self.documents)

    def paragraphs(self) -> Iterator[str]:
        """The unit the peers are called on (one call per paragraph, as their docs show)."""
        for text in self.documents:
            yield from (line for line in text.split("\n") if line.strip())


def shared_data() -> Path:
    return Path(os.environ.get("PIPELINE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def plain_paragraph(tagged_line: str) -> tuple[str, str]:
    """(paragraph id, text as printed) of one tagged corpus line."""
    tokens = tagged_line.split()
    paragraph_id = tokens[0].split("/", 1)[0]
    words = (match.group(1) for match in map(_WORD.match, tokens[1:]) if match)
    return paragraph_id, "".join(words)


def read_articles(path: Path) -> list[Article]:
    """One article per run of non-blank lines."""
    articles: list[Article] = []
    with path.open(encoding="utf-8") as handle:
        lines = (line.rstrip("\n") for line in handle)
        for blank, group in groupby(lines, key=lambda line: not line.strip()):
            if blank:
                continue
            paragraphs = [plain_paragraph(line) for line in group]
            texts = [text for _, text in paragraphs if text]
            if texts:
                articles.append(Article(paragraphs[0][0].rsplit("-", 1)[0], texts))
    return articles


def article_record(article: Article) -> dict[str, str]:
    return {"id": article.article_id, "title": article.paragraphs[0], "text": "\n".join(article.paragraphs),
            "pub_date": article.pub_date, "source": "人民日报"}


def page_record(page_id: str, articles: list[Article]) -> dict[str, str]:
    text = "\n\n".join("## " + "\n".join(article.paragraphs) for article in articles)
    return {"id": f"{page_id}-page", "text": text, "pub_date": articles[0].pub_date, "source": "人民日报"}


def article_and_page_records(articles: list[Article]) -> Iterator[tuple[str, dict[str, str]]]:
    """(file stem, record): the month as articles, then the month again as pages."""
    for article in articles:
        yield f"pd-{article.article_id[:8]}", article_record(article)
    for page_id, group in groupby(articles, key=lambda article: article.page_id):
        yield f"pd-pages-{page_id[:8]}", page_record(page_id, list(group))


def build_peoples_daily(folder: Path, target_chars: int, source: Path) -> Corpus:
    corpus = Corpus(folder, "peoples-daily-1998")
    files: dict[str, list[str]] = {}
    for stem, record in article_and_page_records(read_articles(source)):
        if corpus.n_chars >= target_chars:
            break
        files.setdefault(stem, []).append(json.dumps(record, ensure_ascii=False))
        corpus.documents.append(record["text"])
    for stem, lines in files.items():
        (folder / f"{stem}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus.n_files = len(files)
    return corpus


def build_from_samples(folder: Path) -> Corpus:
    corpus = Corpus(folder, "samples")
    for path in sorted(SAMPLES.iterdir()):
        shutil.copy2(path, folder / path.name)
        if path.suffix == ".txt":
            # the text the pipeline sees, CRLF folded as its normalize stage does
            corpus.documents.append(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
            corpus.n_files += 1
    return corpus


def build_corpus(folder: Path, target_chars: int) -> Corpus:
    """At least ``target_chars`` characters of People's Daily, or the sample pages without it."""
    folder.mkdir(parents=True, exist_ok=True)
    source = shared_data() / PD_RELATIVE
    if source.exists():
        return build_peoples_daily(folder, target_chars, source)
    return build_from_samples(folder)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus",
                                     description="Writes the benchmark corpus into an empty folder.")
    parser.add_argument("folder", type=Path, metavar="FOLDER", help="where the JSONL files go (empty or new)")
    parser.add_argument("--mb", type=float, default=2.0, help="millions of characters (default 2)")
    args = parser.parse_args(argv)
    if args.folder.exists() and any(args.folder.iterdir()):
        # Files already there would be read as part of the corpus.
        print(f"bench.corpus: {args.folder} is not empty", file=sys.stderr)
        return 2
    corpus = build_corpus(args.folder, int(args.mb * 1_000_000))
    if corpus.source == "samples":
        print(f"no People's Daily corpus at {shared_data() / PD_RELATIVE}: wrote the committed sample pages instead")
    print(f"{args.folder}: {len(corpus.documents):,} documents in {corpus.n_files} files, "
          f"{corpus.n_chars:,} characters ({corpus.source})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
