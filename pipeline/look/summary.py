"""What an operator looks at first: counts per label, top organisations, money totals.

Accumulated batch by batch as the run writes, published as Prefect artifacts.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Iterable, Optional

from pipeline.types import Document, Mention

TOP_N = 20


def money_owner(mentions: list[Mention], money: Mention, sentence_bounds: tuple[int, int]) -> Optional[Mention]:
    """The organisation a money amount belongs to: the nearest ORG in its sentence, earlier ones first."""
    start, end = sentence_bounds
    orgs = [m for m in mentions if m.label == "ORG" and start <= m.start and m.end <= end]
    before = [m for m in orgs if m.end <= money.start]
    if before:
        return max(before, key=lambda m: m.end)
    after = [m for m in orgs if m.start >= money.end]
    return min(after, key=lambda m: m.start) if after else None


class RunTotals:
    def __init__(self) -> None:
        self.labels: Counter[str] = Counter()
        self.organisations: Counter[str] = Counter()
        self.money: dict[tuple[str, str], Decimal] = defaultdict(Decimal)  # (org, currency) -> total

    def add(self, documents: Iterable[Document]) -> None:
        for document in documents:
            self.labels.update(m.label for m in document.mentions)
            self.organisations.update(m.norm or m.text for m in document.mentions if m.label == "ORG")
            self._add_money(document)

    def _add_money(self, document: Document) -> None:
        # Mentions grouped by sentence once, so each amount looks only at its own
        # sentence's organisations (a long document has thousands of both).
        sentences = sorted(document.sentences, key=lambda s: s.start)
        starts = [s.start for s in sentences]
        by_sentence: dict[int, list[Mention]] = defaultdict(list)
        for mention in document.mentions:
            at = bisect_right(starts, mention.start) - 1
            if at >= 0 and mention.end <= sentences[at].end and mention.label in ("ORG", "MONEY"):
                by_sentence[at].append(mention)
        for at, mentions in by_sentence.items():
            sentence = sentences[at]
            if sentence.duplicate_of is not None:  # a passage printed twice counts once, at its first copy
                continue
            for money in (m for m in mentions if m.label == "MONEY" and m.value is not None):
                owner = money_owner(mentions, money, (sentence.start, sentence.end))
                key = (owner.norm or owner.text) if owner else "(no organisation in the sentence)"
                self.money[(key, money.currency or "")] += money.value

    def publish(self) -> None:
        """Prefect artifacts of the run (shown in the UI of a real server)."""
        from prefect.artifacts import create_table_artifact

        create_table_artifact(key="entity-counts", description="Mentions per label in this run",
                              table=[{"label": label, "mentions": n} for label, n in self.labels.most_common()])
        create_table_artifact(key="top-organisations", description=f"The {TOP_N} organisations mentioned most",
                              table=[{"organisation": org, "mentions": n}
                                     for org, n in self.organisations.most_common(TOP_N)])
        rows = sorted(self.money.items(), key=lambda item: -item[1])[:TOP_N]
        create_table_artifact(key="money-totals", description="Money by organisation (nearest ORG in the sentence)",
                              table=[{"organisation": org, "currency": currency, "total": f"{total:,.2f}"}
                                     for (org, currency), total in rows])
