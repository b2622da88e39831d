"""Timers for the pipeline's stages inside a real flow run, and peak memory.

The stage functions the flow's tasks call (``read_input``, ``normalize_text``,
``repair_layout``, ...) are wrapped for the duration of one run, so the same
run that gives the wall time also gives the time spent in the pipeline's own
code; what is left of the wall time is Prefect (task runs, state changes, API
calls, futures) and the flow's bookkeeping.  This needs the local runner: the
tasks then run in a thread of this process (a Dask worker would not see the
wrappers).  Only the outermost wrapped call counts, so a stage that calls
another wrapped function is not counted twice.
"""
from __future__ import annotations

import contextlib
import functools
import resource
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

# (module, attribute) -> stage name.  Module-level names are looked up in
# pipeline.run.flow, so wrapping them there is what the tasks call; missing ones
# (the flow is young and changes) are reported, not fatal.
FLOW_FUNCTIONS = {
    "read_input": "ingest",
    "normalize_text": "normalize",
    "repair_layout": "layout repair",
    "find_articles": "articles",
    "split_sentences": "sentences",
    "extract_documents": "extract",
    "measure_documents": "measures",
    "load_components": "model load",
    "discover_inputs": "discover inputs",
}
OUTPUT_METHODS = {
    "prepare": "write",
    "known_sources": "discover inputs",
    "commit_batch": "write",
    "write_part": "write",
    "write_csv": "write",
}
SUMMARY_METHODS = {"add": "summary"}


@dataclass
class StageClock:
    """Wall and CPU seconds per stage, summed over every call, and when each call ran.

    Batches overlap (the next is read and split while workers extract this
    one), so stage wall times can add up to more than the run's wall time;
    ``covered_wall`` is the time at least one stage was running.
    """

    wall: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    cpu: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missing: list[str] = field(default_factory=list)
    intervals: list[tuple[float, float]] = field(default_factory=list)
    _depth: threading.local = field(default_factory=threading.local)

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            depth = getattr(self._depth, "value", 0)
            if depth:
                return function(*args, **kwargs)
            self._depth.value = 1
            wall, cpu = time.perf_counter(), time.thread_time()  # the stage runs in one thread
            try:
                return function(*args, **kwargs)
            finally:
                self.intervals.append((wall, time.perf_counter()))
                self.wall[stage] += time.perf_counter() - wall
                self.cpu[stage] += time.thread_time() - cpu
                self.calls[stage] += 1
                self._depth.value = 0

        return wrapper

    @property
    def covered_wall(self) -> float:
        """Seconds during which at least one stage ran, in any thread."""
        covered, reach = 0.0, float("-inf")
        for start, end in sorted(self.intervals):
            if end > reach:
                covered += end - max(start, reach)
                reach = end
        return covered


@contextlib.contextmanager
def patched(owner: Any, attribute: str, replacement: Any) -> Iterator[None]:
    original = getattr(owner, attribute)
    setattr(owner, attribute, replacement)
    try:
        yield
    finally:
        setattr(owner, attribute, original)


@contextlib.contextmanager
def timing_stages(clock: StageClock) -> Iterator[StageClock]:
    """Wraps the stage functions of pipeline.run.flow (and the output folder's methods) for one run."""
    from pipeline.run import flow as flow_module
    from pipeline.tables.folder import OutputFolder

    targets: list[tuple[Any, str, str]] = [(flow_module, name, stage) for name, stage in FLOW_FUNCTIONS.items()]
    targets += [(OutputFolder, name, stage) for name, stage in OUTPUT_METHODS.items()]
    totals = getattr(flow_module, "RunTotals", None)
    if totals is not None:
        targets += [(totals, name, stage) for name, stage in SUMMARY_METHODS.items()]
    with contextlib.ExitStack() as stack:
        for owner, name, stage in targets:
            if not hasattr(owner, name):
                clock.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
                continue
            stack.enter_context(patched(owner, name, clock.timed(stage, getattr(owner, name))))
        yield clock


class PeakRSS:
    """Samples the resident memory of this process and its children (Prefect's server) in a thread."""

    def __init__(self, interval_s: float = 0.25):
        import psutil

        self._process = psutil.Process()
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.peak_tree_bytes = 0

    def _tree_rss(self) -> int:
        import psutil

        total = 0
        for process in [self._process, *self._process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_tree_bytes = max(self.peak_tree_bytes, self._tree_rss())
            self._stop.wait(self._interval)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def peak_rss_self_bytes() -> int:
    """The kernel's high-water mark for this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
