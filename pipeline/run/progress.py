"""Progress of a run: a rich progress bar on a terminal, plain log lines elsewhere.

The bar moves by document: the ingest stage says how many documents each batch
holds as it reads them, and the extract stage, which is most of a run's time,
says each time a document's last sentence is through the components (tasks
run in the flow's process with the local runner; on Dask the stages run in
other processes and the bar moves by batch).  The documents are counted as
they are read, so the bar's total grows until every input is read.  Without
a terminal, one log line per written batch: files, characters and entities
per second.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from rich.console import Console

log = logging.getLogger("pipeline.progress")

_active: Optional["RunProgress"] = None  # the run's progress in this process, for the stages' reports


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class RunProgress:
    """Counts what the written batches held and shows it: a bar on `console` (a rich Console;
    stderr by default) when `use_bar` is true (default: on a terminal outside CI), else one
    INFO line per batch on the ``pipeline.progress`` logger."""

    def __init__(self, n_files: int, n_batches: int, use_bar: Optional[bool] = None,
                 console: Optional["Console"] = None):
        self.n_files, self.n_batches = n_files, n_batches
        self.files = self.chars = self.entities = self.batches = 0
        self.documents_done = 0
        self._settled = 0  # documents of the batches that came out of their stages
        self._read: dict[int, tuple[int, int]] = {}  # batch -> (files, documents): a retried batch counts once
        self.started = time.monotonic()
        self._bar = None
        self._console = console
        self._lock = threading.Lock()  # the stages report from the task runner's threads
        if use_bar if use_bar is not None else interactive():
            self._start_bar()

    @property
    def showing_bar(self) -> bool:
        """True while the bar is on screen (from the start until `close`)."""
        return self._bar is not None

    def _start_bar(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        # no time-remaining column: the total grows as inputs are read, so an estimate would mislead
        self._bar = Progress(
            TextColumn("[bold]extracting"), BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} documents"),
            TextColumn("{task.fields[inputs]}"), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
            transient=False, console=self._console,
        )
        self._bar.start()
        self._task = self._bar.add_task("run", total=0, rate="", inputs=self._inputs())

    @property
    def files_read(self) -> int:
        return sum(files for files, _ in self._read.values())

    @property
    def documents_found(self) -> int:
        return sum(documents for _, documents in self._read.values())

    def _inputs(self) -> str:
        return f"{self.files_read}/{self.n_files} inputs read"

    def activate(self) -> "RunProgress":
        """Makes this the progress the stages of this process report to (``active``), until ``close``."""
        global _active
        _active = self
        return self

    def inputs_read(self, batch: int, n_files: int, n_documents: int) -> None:
        """A batch's inputs are read: its documents join the bar's total."""
        with self._lock:
            self._read[batch] = (n_files, n_documents)
            self._show()

    def batch_extracted(self, batch: int, n_documents: int) -> None:
        """The documents a batch came out of its stages with (fewer than read when some were refused on the
        way): they are done, whether or not its stages reported here (on Dask they run elsewhere)."""
        with self._lock:
            n_files, _ = self._read.get(batch, (0, 0))
            self._read[batch] = (n_files, n_documents)
            self._settled += n_documents
            self.documents_done = max(min(self.documents_done, self.documents_found), self._settled)
            self._show()

    def documents_extracted(self, n_documents: int) -> None:
        """Documents through the components (never past those read: a batch retried reports again)."""
        with self._lock:
            self.documents_done = min(self.documents_done + n_documents, self.documents_found)
            self._show()

    def _show(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=self.documents_found, completed=self.documents_done,
                             inputs=self._inputs())

    def batch_written(self, n_files: int, n_chars: int, n_entities: int) -> None:
        self.batches += 1
        self.files += n_files
        self.chars += n_chars
        self.entities += n_entities
        rate = self.rate()
        if self._bar is not None:
            self._bar.update(self._task, rate=rate)
        else:
            log.info("batch %d/%d written: %d/%d inputs, %d document(s), %s", self.batches, self.n_batches,
                     self.files, self.n_files, self._settled, rate)

    def rate(self) -> str:
        seconds = max(time.monotonic() - self.started, 1e-9)
        return (f"{self.files / seconds:,.1f} files/s, {self.chars / seconds:,.0f} chars/s, "
                f"{self.entities / seconds:,.0f} entities/s")

    def close(self) -> None:
        global _active
        if _active is self:
            _active = None
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def active() -> Optional[RunProgress]:
    """The progress of the run in this process, or None (no run here: a Dask worker, a test of a stage)."""
    return _active
