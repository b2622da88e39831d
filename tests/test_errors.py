"""pipeline/errors.py names every error once: each exception with its exit status,
each refused input's error_type with its message; no other module defines one."""
import ast
import string
from pathlib import Path

import pytest

from pipeline import errors
from pipeline.errors import (EXIT_REFUSED, EXIT_USAGE, ConfigError, GoldError, IngestError, MissingModelError,
                             OutputError, PipelineError, Refusals, ServeError, Warnings, stage_failure)
from pipeline.types import ErrorRow

PACKAGE = Path(errors.__file__).parent
STOPPING = (ConfigError, OutputError, ServeError, GoldError, MissingModelError)


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


@pytest.mark.parametrize("error_class", STOPPING)
def test_an_error_that_stops_a_command_exits_2(error_class):
    assert issubclass(error_class, PipelineError)
    assert error_class.exit_status == EXIT_USAGE == 2


def test_a_refused_input_exits_1():
    assert IngestError.exit_status == EXIT_REFUSED == 1
    assert all(refusal.exit_status == EXIT_REFUSED for refusal in Refusals.all())


def test_the_modules_that_raise_them_use_these_classes():
    from pipeline import config
    from pipeline.extract.names import statistical
    from pipeline.look import evaluate
    from pipeline.run import serve
    from pipeline.tables import folder

    assert (config.ConfigError, folder.OutputError, serve.ServeError, evaluate.GoldError,
            statistical.MissingModelError) == (ConfigError, OutputError, ServeError, GoldError, MissingModelError)


def test_no_other_module_defines_an_exception():
    defined = [f"{path.relative_to(PACKAGE)}: {node.name}" for path, tree in _modules() if path.name != "errors.py"
               for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
               and any(getattr(base, "id", getattr(base, "attr", "")).endswith(("Error", "Exception"))
                       for base in node.bases)]
    assert defined == []


def test_error_rows_are_made_only_in_the_errors_module():
    """An ErrorRow(...) elsewhere would write an error_type this module does not name."""
    made = [f"{path.relative_to(PACKAGE)}:{node.lineno}" for path, tree in _modules() if path.name != "errors.py"
            for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ErrorRow"]
    assert made == []


def test_each_error_type_is_named_once():
    types = [refusal.error_type for refusal in Refusals.all() if refusal is not Refusals.UNDECODABLE_SHARE]
    assert len(types) == len(set(types)) == 9  # undecodable has two messages: a failed guess, too much damage
    warnings = [warning.error_type for warning in Warnings.all()]
    assert len(warnings) == len(set(warnings)) == 7 and not set(warnings) & set(types)
    assert {warning.severity for warning in Warnings.all()} == {"warning"}
    assert "empty" in types and "malformed_json" in types


def test_a_refusal_fills_its_template_into_a_row():
    fields = {name for refusal in Refusals.all()
              for _, name, _, _ in string.Formatter().parse(refusal.template) if name}
    assert fields == {"suffix", "supported", "reason", "part", "byte", "count", "encoding"}
    assert Refusals.UNREADABLE.row("a.txt", reason="Permission denied") == ErrorRow(
        "a.txt", "ingest", "unreadable", "cannot read the file: Permission denied")


def test_an_ingest_error_becomes_its_refusals_row():
    error = IngestError(Refusals.MALFORMED_JSON, reason="Expecting value at column 1")
    assert error.error_type == "malformed_json"
    assert error.row("feed.jsonl#L3", where="line 3: ") == ErrorRow(
        "feed.jsonl#L3", "ingest", "malformed_json", "line 3: not a JSON object (Expecting value at column 1)")


def test_a_stage_failure_is_named_by_what_was_raised():
    assert stage_failure("a.txt", "extract", KeyError("x")) == ErrorRow("a.txt", "extract", "KeyError",
                                                                          "extract failed: 'x'")
