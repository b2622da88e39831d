"""How a process of the pipeline ends when it is stopped from outside.

* ``pipeline run`` given SIGINT or SIGTERM (to itself or its whole process
  group) ends within a second: one ``pipeline: interrupted (SIGINT)`` line on
  stderr, its children ended, exit status 128 + the signal's number
  (pipeline/errors.py).  Ending at once is safe for the tables: a batch is
  committed by renaming its ``documents`` part last (pipeline/tables/folder.py),
  so the folder holds the batches committed before the signal, and the next
  run clears the other parts of an uncommitted batch and does the rest, just
  as after SIGKILL.  The run is not unwound through Prefect on purpose: its
  engine reports the interruption to its API, and when the signal went to the
  whole group the temporary server is gone too, so the client retries it for
  minutes.
* The temporary Prefect server a run started ending before the run is one
  line and exit status 2, not minutes of retries of a dead API.
* ``pipeline serve`` given SIGINT or SIGTERM lets Prefect stop serving (pause
  the schedule) for up to ``SERVE_GRACE_S``, then ends with the signal's
  status; a second signal ends it at once.
* A child (an extract worker, the temporary server) ends within a second of
  its parent, whatever killed the parent (``follow_parent``): a parent killed
  with SIGKILL cannot end its children itself.  Polling the parent's PID, not
  prctl's PR_SET_PDEATHSIG, which fires when the *thread* that started the
  child ends, and exists on Linux only.

Signals are acted on by a thread, not by the Python-level handler (it does
nothing): that handler runs on the main thread between bytecodes, which a stage busy in C
(spaCy, pyarrow) can hold up for seconds, while ``signal.set_wakeup_fd`` has
the interpreter's C handler write the signal's number to a pipe at once.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import select
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, NoReturn, Optional

from pipeline.errors import EXIT_OK, PrefectServerError, exit_status_for_signal

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
POLL_S = 0.5  # how often a watch looks at a server process or a parent PID
SERVE_GRACE_S = 8.0  # serve's time to stop on its own: the 10 s a service manager allows, less a margin
_WAKE = 0  # a byte no signal has: wakes a watch to end it

_ending = threading.RLock()  # re-entered by a signal handler on the thread that is ending
START_WAIT_S = 2.0  # the longest end_now waits for a child process that is being started
_starting = threading.Condition()
_starting_threads: set[int] = set()  # threads inside starting_children()
_closing = False  # end_now is ending the process: no child is started any more


@dataclass
class WatchedServer:
    process: subprocess.Popen
    api_url: str


_servers: list[WatchedServer] = []  # the temporary Prefect servers of the runs in progress


def end_now(status: int, message: str) -> NoReturn:
    """Prints ``pipeline: MESSAGE``, ends this process's children and then the process, from any thread."""
    _ending.acquire()  # the first caller ends the process; another thread waits for that
    try:
        _wait_for_children_being_started()
        _tell(message)
        end_children()
    finally:  # whatever failed above, the process ends: a caller left waiting on _ending would hang the run
        os._exit(status)


def _tell(message: str) -> None:
    """The one line, if anyone still reads stderr (a closed terminal or a dead parent does not)."""
    try:
        if sys.stderr.isatty():
            sys.stderr.write("\n\x1b[?25h")  # a progress bar was drawing with the cursor hidden
        sys.stderr.write(f"pipeline: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # BrokenPipeError; ValueError: stderr closed
        pass


@contextmanager
def starting_children() -> Iterator[None]:
    """While inside, this thread may start child processes, and ``end_now`` waits for it.

    A child started with multiprocessing's spawn reads what it runs from a pipe
    its parent writes just after starting it; a parent that ends in between
    leaves a child that prints a traceback ("Ran out of input") under the one
    line a stopped run prints.  Once the process is ending, a thread that
    comes here waits for the end instead of starting anything.
    """
    me = threading.get_ident()
    with _starting:
        while _closing:
            _starting.wait()
        _starting_threads.add(me)
    try:
        yield
    finally:
        with _starting:
            _starting_threads.discard(me)
            _starting.notify_all()


def _wait_for_children_being_started() -> None:
    global _closing
    me = threading.get_ident()
    with _starting:
        _closing = True
        _starting.wait_for(lambda: not _starting_threads - {me}, timeout=START_WAIT_S)


def end_children() -> None:
    """Ends the worker processes and the temporary servers this process started, without waiting."""
    for child in multiprocessing.active_children():
        child.kill()
    # What the interpreter's exit would do and os._exit skips: the pool's named
    # semaphores are unlinked, so multiprocessing's resource tracker, which
    # outlives us by a moment, has no "leaked semaphore" warning to print.
    multiprocessing.util._run_finalizers(0)
    for server in _servers:
        if server.process.poll() is None:
            server.process.terminate()  # it closes its database; it also follows its parent (follow_parent)


def follow_parent(parent_pid: int) -> None:
    """In a child process: ends it (SIGTERM, then exit) within about a second of ``parent_pid`` ending."""
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(POLL_S)
        os.kill(os.getpid(), signal.SIGTERM)  # a server shuts down cleanly on it; a worker just ends
        time.sleep(3 * POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


class SignalWatch:
    """A thread that hears the stop signals as they arrive and calls ``on_signal(signum)``.

    ``on_idle`` is called every ``POLL_S`` seconds in between.
    """

    def __init__(self, on_signal: Callable[[int], None], on_idle: Callable[[], None] = lambda: None):
        self.on_signal, self.on_idle = on_signal, on_idle
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._write_fd, False)
        self._watched: set[int] = set()
        self._saved: dict[int, object] = {}
        self._saved_wakeup_fd: Optional[int] = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="signal-watch", daemon=True)

    def start(self, signals: tuple[int, ...]) -> "SignalWatch":
        """Hears ``signals`` where they still have their default handlers.

        Their Python-level handler does nothing: it would run on the main thread
        between bytecodes, possibly halfway through starting a child there
        (``starting_children``); the watch's thread acts on the number the
        wakeup fd gives it.  A caller that handles a signal itself keeps its
        handler (Prefect's engine, running a served flow, turns SIGTERM into a
        cancellation) and the watch does not hear it.  Outside the main thread
        nothing can be installed and the watch only calls ``on_idle``.
        """
        if threading.current_thread() is threading.main_thread():
            defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
            for signum in signals:
                if signal.getsignal(signum) is defaults[signum]:
                    self._saved[signum] = signal.signal(signum, lambda number, frame: None)
                    self._watched.add(signum)
            if self._watched:
                self._saved_wakeup_fd = signal.set_wakeup_fd(self._write_fd, warn_on_full_buffer=False)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stopping.is_set():
            ready, _, _ = select.select([self._read_fd], [], [], POLL_S)
            if not ready:
                self.on_idle()
                continue
            for signum in os.read(self._read_fd, 64):
                if signum in self._watched:
                    self.on_signal(signum)

    def heard(self) -> list[int]:
        """Stop signals that arrived and are not yet read (a watch that is about to act on something else)."""
        ready, _, _ = select.select([self._read_fd], [], [], 0)
        return [signum for signum in os.read(self._read_fd, 64) if signum in self._watched] if ready else []

    def stop(self) -> None:
        """Puts back the handlers and the wakeup fd it replaced and ends the thread."""
        if threading.current_thread() is threading.main_thread():
            if self._saved_wakeup_fd is not None:
                signal.set_wakeup_fd(self._saved_wakeup_fd)
            for signum, handler in self._saved.items():
                signal.signal(signum, handler)
        self._stopping.set()
        try:
            os.write(self._write_fd, bytes([_WAKE]))
        except BlockingIOError:
            pass  # the pipe is full of signals: the thread wakes anyway
        self._thread.join(timeout=2 * POLL_S)
        os.close(self._read_fd)
        os.close(self._write_fd)


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name


def interrupt(signum: int) -> NoReturn:
    end_now(exit_status_for_signal(signum),
            f"interrupted ({signal_name(signum)}); the batches already written are kept, "
            "and the next run into the same --out does the rest")


@contextmanager
def watching_server(process: subprocess.Popen, api_url: str) -> Iterator[None]:
    """While inside, ``process`` (the run's temporary Prefect server) ending ends the run (``ending_on_signals``)."""
    server = WatchedServer(process, api_url)
    _servers.append(server)
    try:
        yield
    finally:
        _servers.remove(server)


@contextmanager
def ending_on_signals() -> Iterator[None]:
    """A run: a stop signal ends it at once, and so does a watched server ending (``watching_server``)."""
    watch: Optional[SignalWatch] = None

    def check_servers() -> None:
        for server in [server for server in _servers if server.process.poll() is not None]:
            time.sleep(POLL_S / 2)  # a signal to the whole group ends the server too: the signal is the cause
            for signum in watch.heard() if watch else ():
                interrupt(signum)
            error = PrefectServerError(
                f"the run's temporary Prefect server ({server.api_url}) ended mid-run (exit status "
                f"{server.process.returncode}); the batches already written are kept, and the next run "
                "into the same --out does the rest")
            end_now(error.exit_status, str(error))

    watch = SignalWatch(interrupt, check_servers).start(STOP_SIGNALS)
    try:
        yield
    finally:
        watch.stop()


def serve_until_stopped(serve: Callable[[], None], stop: Callable[[], None]) -> int:
    """Runs ``serve`` (Prefect's serve loop) on a thread until it returns; the exit status.

    The main thread keeps the signals, and so always hears them: the first
    SIGINT or SIGTERM calls ``stop`` (Prefect stops serving and pauses the
    schedule, which needs its API) and gives it ``SERVE_GRACE_S``; past that
    (the server went away first, and its client retries), or on a second
    signal, the process ends with the signal's status.  Serving on a thread
    also keeps Prefect and asyncio from installing handlers of their own.
    """
    heard: list[int] = []
    failed: list[BaseException] = []

    def on_signal(signum: int, frame: object = None) -> None:
        heard.append(signum)
        if len(heard) > 1:
            end_now(exit_status_for_signal(heard[0]), f"{signal_name(signum)} again: stopped at once")
        sys.stderr.write(f"pipeline: stopping ({signal_name(signum)}); at most {SERVE_GRACE_S:.0f} s, "
                         "or at once on a second signal\n")
        sys.stderr.flush()
        deadline = threading.Timer(SERVE_GRACE_S, end_now, (exit_status_for_signal(signum),
                                   f"serve did not stop within {SERVE_GRACE_S:.0f} s of {signal_name(signum)}; "
                                   "stopped (the schedule may still be active on the server)"))
        deadline.daemon = True  # and it still fires while the interpreter runs its exit handlers
        deadline.start()
        stop()

    def serving() -> None:
        try:
            serve()
        except BaseException as error:  # reported by the main thread, in one line
            failed.append(error)

    for signum in STOP_SIGNALS:
        signal.signal(signum, on_signal)
    thread = threading.Thread(target=serving, name="serve", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(POLL_S)  # a short wait, so that a signal's handler runs at once
    if heard:
        if failed:
            end_now(exit_status_for_signal(heard[0]), f"stopped ({signal_name(heard[0])}); the schedule could not be paused: {failed[0]}")
        return EXIT_OK
    if failed:
        raise failed[0]
    return EXIT_OK
