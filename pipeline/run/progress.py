"""Progress of a run: a rich progress bar on a terminal, plain log lines elsewhere.

A batch is the unit of progress (the flow never looks at single documents),
so a long run shows files, characters and entities per second as each batch
is written.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from rich.console import Console

log = logging.getLogger("pipeline.progress")


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
        self.started = time.monotonic()
        self._bar = None
        self._console = console
        if use_bar if use_bar is not None else interactive():
            self._start_bar()

    @property
    def showing_bar(self) -> bool:
        """True while the bar is on screen (from the start until `close`)."""
        return self._bar is not None

    def _start_bar(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("[bold]extracting"), BarColumn(),
            TextColumn("{task.completed}/{task.total} inputs"),
            TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(),
            transient=False, console=self._console,
        )
        self._bar.start()
        self._task = self._bar.add_task("run", total=self.n_files, rate="")

    def batch_written(self, n_files: int, n_chars: int, n_entities: int) -> None:
        self.batches += 1
        self.files += n_files
        self.chars += n_chars
        self.entities += n_entities
        rate = self.rate()
        if self._bar is not None:
            self._bar.update(self._task, completed=self.files, rate=rate)
        else:
            log.info("batch %d/%d written: %d/%d inputs, %s", self.batches, self.n_batches, self.files,
                     self.n_files, rate)

    def rate(self) -> str:
        seconds = max(time.monotonic() - self.started, 1e-9)
        return (f"{self.files / seconds:,.1f} files/s, {self.chars / seconds:,.0f} chars/s, "
                f"{self.entities / seconds:,.0f} entities/s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
