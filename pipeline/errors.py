"""Every error the pipeline names, in one place, as spaCy keeps its own in ``spacy/errors.py``.

Two kinds, told apart by what a run does next:

* an exception that stops a command before anything is written: a bad
  configuration, an output folder that cannot be written, a server that is not
  there, a malformed gold file, a missing model.  The command exits with the
  class's ``exit_status`` (2) and prints the message;
* a refusal: one input (or one line of a feed) that cannot be used.  It becomes a
  row of the ``errors`` table, with its ``error_type`` and a message from its
  template below; the other inputs go on and the run exits 1.

The exit statuses are the README's: 0 every input processed, 1 some refused,
2 a usage, configuration, output-folder, server or gold-file error (a run's
temporary Prefect server ending mid-run among them), 3 a run that committed some
batches and then could not write the rest (a full disk; the message says what was
committed), and 128 + the signal's
number for a run that SIGINT (130) or SIGTERM (143) ended, as a shell reports a
process that signal killed (pipeline/run/shutdown.py).
"""
from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import ClassVar

from pipeline.types import ErrorRow

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_PARTLY_WRITTEN = 3
EXIT_SIGNAL_BASE = 128
EXIT_SIGINT = EXIT_SIGNAL_BASE + signal.SIGINT  # 130
EXIT_SIGTERM = EXIT_SIGNAL_BASE + signal.SIGTERM  # 143


def exit_status_for_signal(signum: int) -> int:
    """The status of a command a signal ended: what a shell reports for a process that signal killed."""
    return EXIT_SIGNAL_BASE + signum


class PipelineError(Exception):
    """An error the pipeline raises on purpose; a command that meets one returns ``exit_status``."""

    exit_status: ClassVar[int] = EXIT_USAGE


class ConfigError(PipelineError, ValueError):
    """A configuration that cannot be used; the message names the key."""


class OutputError(PipelineError):
    """The output folder cannot be written; the previous tables are intact."""


class PartlyWrittenError(OutputError):
    """The output folder could not be written mid-run, after this run committed some batches; they are kept."""

    exit_status: ClassVar[int] = EXIT_PARTLY_WRITTEN


class ServeError(PipelineError):
    """Serving cannot start; the message says why and what to do."""


class PrefectServerError(PipelineError):
    """The run's temporary Prefect server did not start, or ended before the run did."""


class GoldError(PipelineError, ValueError):
    """The gold file is malformed or names a document the output does not hold."""


class MissingModelError(PipelineError, FileNotFoundError):
    """The trained name model is not where the configuration says."""


ERROR, WARNING = "error", "warning"  # the errors table's severity


@dataclass(frozen=True)
class Refusal:
    """One reason an input is refused: the ``errors`` table's ``error_type`` and its message."""

    error_type: str
    template: str  # str.format fields, filled where the input is refused
    stage: str = "ingest"
    severity: str = ERROR
    exit_status: ClassVar[int] = EXIT_REFUSED

    def message(self, **values: object) -> str:
        return self.template.format(**values)

    def row(self, source: str, **values: object) -> ErrorRow:
        return ErrorRow(source, self.stage, self.error_type, self.message(**values), self.severity)


class Refusals:
    """Every ``error_type`` a run writes for a refused input (spaCy's ``Errors``, for rows)."""

    NOT_FOUND = Refusal("not_found", "no such file or folder")
    UNSUPPORTED_FORMAT = Refusal("unsupported_format",
                                 "'{suffix}' is not a supported input format (supported: {supported})")
    UNREADABLE = Refusal("unreadable", "cannot read the file: {reason}")
    EMPTY = Refusal("empty", "the {part} has no text")
    BINARY = Refusal("binary", "binary content (control bytes), not text")
    UNDECODABLE = Refusal("undecodable", "not text in any supported encoding (UTF-8 fails at byte {byte})")
    UNDECODABLE_SHARE = Refusal("undecodable", "{count} byte sequence(s) not valid {encoding}: more damage than "
                                               "ingest.bad_bytes allows")
    NO_MAIN_TEXT = Refusal("no_main_text", "the HTML page has no main text (only markup, scripts or boilerplate)")
    MALFORMED_JSON = Refusal("malformed_json", "not a JSON object ({reason})")
    MISSING_TEXT = Refusal("missing_text", "the object has no non-empty 'text' field")

    @classmethod
    def all(cls) -> list[Refusal]:
        return [value for value in vars(cls).values() if isinstance(value, Refusal)]


def _warning(error_type: str, template: str) -> Refusal:
    return Refusal(error_type, template, severity=WARNING)


class Warnings:
    """Every ``error_type`` of a warning row: the input was read, and the row says what was
    skipped, replaced or left unknown.  Warnings do not change the exit status."""

    SKIPPED_FILE = _warning("skipped_file", "'{suffix}' is not a supported input format; the file was "
                                            "skipped (supported: {supported})")
    REPLACED_BYTES = _warning("replaced_bytes", "{count} byte sequence(s) not valid {encoding} were "
                                                "replaced with U+FFFD")
    BAD_SIDECAR = _warning("bad_sidecar", "sidecar {name} was ignored: {reason}")
    UNREAD_PUB_DATE = _warning("unread_pub_date", "{where}pub_date {value!r} is not a date ({reason}); "
                                                  "the text is kept without it")
    NO_PUB_DATE = _warning("no_pub_date", "no publication date (sidecar, feed, path or --pub-date): "
                                          "relative dates such as 今年 stay unresolved")
    BAD_HOME = _warning("bad_home", "{where}home {value} is not a place of the division table ({reason}); "
                                    "the page's home is {used}")
    # a feed's id is its page's identity (tables/versions.py): a later record of one batch wins
    DUPLICATE_ID = _warning("duplicate_id", "{source_id!r} is the source_id of another text later in the same "
                                            "input ({later}); that later one is kept as the page's version")

    @classmethod
    def all(cls) -> list[Refusal]:
        return [value for value in vars(cls).values() if isinstance(value, Refusal)]


class IngestError(PipelineError):
    """An input that cannot be read as a document; its refusal names why."""

    exit_status: ClassVar[int] = EXIT_REFUSED

    def __init__(self, refusal: Refusal, **values: object):
        super().__init__(refusal.message(**values))
        self.refusal = refusal

    @property
    def error_type(self) -> str:
        return self.refusal.error_type

    def row(self, source: str, where: str = "") -> ErrorRow:
        """The errors-table row; ``where`` places it inside the input (a feed's ``line 3: ``)."""
        return ErrorRow(source, self.refusal.stage, self.error_type, f"{where}{self}")


# A stage that raises on one document refuses that document alone.  Its error_type is
# the exception's class name (KeyError, ...): an unforeseen failure, named as Python
# names it, so that a bug report can be traced.
STAGE_FAILED = "{stage} failed: {error}"


def stage_failure(source: str, stage: str, error: Exception) -> ErrorRow:
    return ErrorRow(source, stage, type(error).__name__, STAGE_FAILED.format(stage=stage, error=error))
