"""The front door stays short and every path it names is there.

README.md keeps what a user needs first (the two commands, the worked example, the command,
config, the tables, exit statuses, where to look next); reference and measurement history live
in docs/. A file moved or renamed without its mention in README.md or docs/*.md fails here.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP_LEVEL = ("pipeline", "configs", "data", "tests", "bench", "training", "docs", ".ci")
TOP_FILES = ("Makefile", "pyproject.toml", "constraints.txt", "README.md")

# A repository path: starts with a top-level folder, not inside a longer path (../shared/data).
PATH = re.compile(r"(?<![\w./\-<>])((?:%s)/[\w./\-]*)" % "|".join(re.escape(name) for name in TOP_LEVEL))
LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\n]+)`")
MODULE = re.compile(r"^(?:python -m )?((?:pipeline|bench|training)(?:\.\w+)+)")


def named_paths(text: str) -> set[str]:
    found = set()
    for match in PATH.finditer(text):
        path = match.group(1).rstrip(".,;:")
        found.add(path)
    for name in TOP_FILES:
        if re.search(r"(?<![\w./])%s(?![\w])" % re.escape(name), text):
            found.add(name)
    return found


def module_exists(dotted: str) -> bool:
    """`pipeline.look.evaluate.evaluate`: a module, or a module and one name in it."""
    parts = dotted.split(".")
    for keep in (len(parts), len(parts) - 1):
        base = ROOT.joinpath(*parts[:keep])
        if base.with_suffix(".py").is_file() or (base / "__init__.py").is_file():
            return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_every_path_a_page_names_exists(page: Path):
    text = page.read_text(encoding="utf-8")
    missing = sorted(path for path in named_paths(text) if not (ROOT / path.split(":")[0]).exists())
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        if not (page.parent / target.split("#")[0]).exists():
            missing.append(f"link {target}")
    for code in CODE.findall(text):
        module = MODULE.match(code)
        if module and not module_exists(module.group(1)):
            missing.append(f"module {module.group(1)}")
    assert not missing, f"{page.name} names what the repository does not hold: {missing}"


def test_the_pages_name_paths_at_all():
    # the check above is only worth something if it finds the paths it is meant to
    readme = named_paths((ROOT / "README.md").read_text(encoding="utf-8"))
    assert {"configs/pipeline.yaml", "docs/entities.md", "tests/look/test_report.py", "data/samples/"} <= readme
    assert named_paths("see `pipeline/nowhere.py` and ../shared/data/x and DIR/csv/documents.csv") == {
        "pipeline/nowhere.py"}
    assert not module_exists("pipeline.look.no_such_module.name") and module_exists("pipeline.look.evaluate.evaluate")


def test_the_readme_is_a_front_door():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) < 400
    # its first lines are the two commands that work on a fresh machine (CI runs the second)
    commands = [line.split("#")[0].strip() for line in text.splitlines()[1:5] if line.startswith("    ")]
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run: ", makefile, re.M) and re.search(r"^test: ", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, re.M)
    for section in ("A worked example", "The command", "Configuration", "Output", "Exit statuses",
                    "Where to look next"):
        assert section in headings, section
    assert re.search(r"Schema version \d+", text)
    # the entity contract is cited where it lives in the repository, not outside it
    assert "ENTITIES.md" not in text
    for page in PAGES[1:]:
        assert "ENTITIES.md" not in page.read_text(encoding="utf-8").replace("../shared/spec/ENTITIES.md", "")
