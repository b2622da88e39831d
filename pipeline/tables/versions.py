"""Which text each source holds now: one version per ``source_id``, the latest.

A page is known across runs by its ``source_id`` (a feed record's ``id``, else
its ``url``, else its source: the path, ``path#Ln`` for a feed line).  A source
holds one text: as a document (its ``documents`` row) or as a repeat of
another source's document (its ``repeats`` row).  When a run reads a new text
for a known source, or re-extracts one (``--reprocess``), the newer holding
wins and the older one is *settled* here, at the commit that brings the new
one, so every committed state holds each page once:

- an older document nobody else holds leaves every table (its rows are in the
  ``superseded`` history table's one row);
- an older document that other sources repeat (wire copy) stays, moved to the
  first of them: its ``documents`` row takes that source's fields, its rows in
  the other tables that source's ``pub_date``, and that source's ``repeats`` row goes
  (its relative dates stay resolved against the first copy's date, as for any repeat);
- an older document re-extracted with the same text (``--reprocess``) leaves
  the earlier parts; the new rows carry the same ids;
- an older repeat row goes.

Settling reads only this index (a few fields per document and repeat, no text)
and says which committed rows go or move; folder.py rewrites the parts that hold
them and commits the new parts, the superseded rows and the runs row in one
manifest.  It is the same rule for a folder written before source_ids (its
source_id is its source) and for versions a killed run left side by side.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

# The fields a moved document takes from the repeat that inherits it.
SOURCE_FIELDS = ("source", "source_id", "url", "source_format", "encoding", "pub_date", "title")
NEW_VERSION, REPROCESSED = "new_version", "reprocessed"


@dataclass
class Holding:
    """One source's text: a document or a repeat, as written (``part``) or pending in this commit or run."""

    source_id: str
    doc_id: str
    is_document: bool
    rank: tuple[str, str, int]  # (run's start, run_id, order within the run): later wins
    row: dict[str, Any]  # its documents (less the text) or repeats row
    part: Optional[str] = None  # the committed part holding the row; None while pending


@dataclass
class Plan:
    """What one commit changes besides adding its own rows."""

    drop: set[str] = field(default_factory=set)  # doc_ids whose committed rows leave every batch table
    move: dict[str, dict[str, Any]] = field(default_factory=dict)  # doc_id -> the source fields it takes
    drop_new: set[str] = field(default_factory=set)  # this commit's own documents left out (a later version won)
    drop_repeats: list[Holding] = field(default_factory=list)  # committed or pending repeat rows that go
    superseded: list[tuple[Holding, str, str]] = field(default_factory=list)  # (old, superseded_by, reason)
    heirs: list[Holding] = field(default_factory=list)  # repeats that inherit a document (in drop_repeats too)

    def __bool__(self) -> bool:
        return bool(self.drop or self.move or self.drop_new or self.drop_repeats or self.superseded)

    @property
    def n_replaced(self) -> int:
        heirs = {id(heir) for heir in self.heirs}
        return len({old.source_id for old, _, reason in self.superseded if reason == NEW_VERSION}
                   | {old.source_id for old in self.drop_repeats if id(old) not in heirs})

    @property
    def n_reprocessed(self) -> int:
        return sum(reason == REPROCESSED for _, _, reason in self.superseded)


def source_id_of(row: dict[str, Any]) -> str:
    """A row's source_id; a row written before source_ids is known by its source."""
    return row.get("source_id") or row["source"]


class Versions:
    """Every holding of the folder, by source_id."""

    def __init__(self) -> None:
        self.by_source: dict[str, list[Holding]] = {}

    def add(self, holding: Holding) -> None:
        self.by_source.setdefault(holding.source_id, []).append(holding)

    def remove(self, holding: Holding) -> None:
        held = self.by_source.get(holding.source_id, [])
        held[:] = [h for h in held if h is not holding]
        if not held:
            self.by_source.pop(holding.source_id, None)

    def holdings(self) -> Iterable[Holding]:
        return (h for held in self.by_source.values() for h in held)

    def known(self) -> "KnownSources":
        known = KnownSources()
        for source_id, held in self.by_source.items():
            for holding in sorted(held, key=lambda h: h.rank):
                known.add(holding.doc_id, source_id, holding.is_document)
        return known

    def settle(self, new: list[Holding], pending: list[Holding]) -> Plan:
        """The plan that leaves one holding per source, given this commit's documents and the run's pending repeats."""
        candidates: dict[str, list[Holding]] = {}
        for holding in [*self.holdings(), *new, *pending]:
            candidates.setdefault(holding.source_id, []).append(holding)
        winners = {source_id: max(held, key=lambda h: h.rank) for source_id, held in candidates.items()}
        documents_won = {h.doc_id for h in winners.values() if h.is_document}
        heirs_for: dict[str, list[Holding]] = {}
        for holding in sorted(winners.values(), key=lambda h: h.rank):
            if not holding.is_document:
                heirs_for.setdefault(holding.doc_id, []).append(holding)
        plan = Plan()
        for source_id, held in sorted(candidates.items()):
            winner = winners[source_id]
            for old in sorted(held, key=lambda h: h.rank):
                if old is not winner:
                    self._settle_one(old, winner, documents_won, heirs_for, plan)
        return plan

    @staticmethod
    def _settle_one(old: Holding, winner: Holding, documents_won: set[str], heirs_for: dict[str, list[Holding]],
                    plan: Plan) -> None:
        if not old.is_document:
            plan.drop_repeats.append(old)
            return
        reason = REPROCESSED if old.doc_id == winner.doc_id else NEW_VERSION
        plan.superseded.append((old, winner.doc_id, reason))
        dropped = plan.drop_new if old.part is None else plan.drop
        if old.doc_id in documents_won:  # the same text written again (--reprocess): the new rows replace these
            if old.part is not None:
                plan.drop.add(old.doc_id)
            return
        heirs = heirs_for.get(old.doc_id)
        if heirs:
            heir = heirs.pop(0)
            plan.move[old.doc_id] = {name: heir.row.get(name) for name in SOURCE_FIELDS}
            plan.move[old.doc_id]["source_id"] = heir.source_id
            plan.drop_repeats.append(heir)
            plan.heirs.append(heir)
            return
        dropped.add(old.doc_id)


class KnownSources:
    """What a run's ingest needs to know of earlier runs: which text each source holds, and which texts are documents.

    A plain class, not a dict: Prefect walks dicts passed to a task entry by entry.
    """

    def __init__(self) -> None:
        self._documents: dict[str, str] = {}  # doc_id -> the source_id that holds it as a document
        self._held: dict[str, str] = {}  # source_id -> the doc_id of the text it holds now

    def __len__(self) -> int:
        return len(self._documents)

    def holds(self, doc_id: str) -> bool:
        """Whether a document with this text is in the folder."""
        return doc_id in self._documents

    def held_by(self, source_id: str) -> Optional[str]:
        """The doc_id of the text this source holds now (as a document or a repeat), or None."""
        return self._held.get(source_id)

    def owner(self, doc_id: str) -> Optional[str]:
        return self._documents.get(doc_id)

    def add(self, doc_id: str, source_id: str, is_document: bool = True) -> None:
        """Records a holding; added in the order they were written, so the last one is what the source holds."""
        if is_document:
            self._documents[doc_id] = source_id
        self._held[source_id] = doc_id
