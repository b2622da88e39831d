"""What an operator looks at first: counts per label, top organisations, money totals.

Accumulated batch by batch as the run writes, published as Prefect artifacts.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Iterable, Optional

from .types import Document, Mention

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
        bounds = [(s.start, s.end) for s in document.sentences if s.duplicate_of is None]
        for money in (m for m in document.mentions if m.label == "MONEY" and m.value is not None):
            sentence = next(((s, e) for s, e in bounds if s <= money.start < e), None)
            if sentence is None:  # in a passage printed twice: counted once, at its first copy
                continue
            owner = money_owner(document.mentions, money, sentence)
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
