"""Conformance with Microsoft Recognizers-Text's own Chinese test specs.

Their types map onto our labels:

- ``CurrencyModel``  -> MONEY over the whole input (span, value, ISO code);
- ``PercentModel``   -> PERCENT over the whole input (span, value in percent);
- ``NumberModel``    -> a number *within an amount*: each expected number with
  ``元`` appended must come out as one MONEY with that value (a bare number is
  not an entity in docs/entities.md, so this is where our numerals are visible);
- ``NumberRangeModel`` -> the range with ``个`` appended must be one QUANTITY
  with ``value``/``value_max``/``qualifier`` matching their interval;
- ``DateExtractor`` / ``DatePeriodExtractor`` -> DATE spans;
- ``DateParser`` / ``DatePeriodParser`` -> DATE spans and values resolved
  against ``Context.ReferenceDateTime`` as pub_date.

Their ``End`` is inclusive; extractor/parser files use ``Start``/``Length``.
Where docs/entities.md (or this mapping) differs from their convention the case is
listed, with the reason, in ``conformance_exclusions.yaml``; a case we merely do
not read is not listed and counts as a failure.  Each file's pass rate over the
cases not excluded, and over every case (exclusions counted as failures unless
they pass), is printed and must stay above the floors measured when they were set.
Run ``python tests/extract/test_conformance_recognizers.py`` for the table and the
failing cases.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable, Optional

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, when run as a script

from pipeline.extract.numeric.mentions import extract_numeric  # noqa: E402
from pipeline.read.normalize import normalize_text  # noqa: E402
from tests.conftest import shared_data  # noqa: E402

HERE = Path(__file__).resolve().parent
EXCLUSIONS = HERE / "conformance_exclusions.yaml"


def _spec_root() -> Path:
    return shared_data() / "recognizers-text-zh" / "Specs"


# floors: a little below the rates measured when the exclusions were written
# (in scope, over every case)
FLOORS = {
    "NumberWithUnit/Chinese/CurrencyModel.json": (0.97, 0.90),
    "Number/Chinese/PercentModel.json": (0.97, 0.97),
    "Number/Chinese/NumberModel.json": (0.83, 0.83),
    "Number/Chinese/NumberRangeModel.json": (0.70, 0.42),
    "DateTime/Chinese/DateExtractor.json": (0.90, 0.87),
    "DateTime/Chinese/DateParser.json": (0.82, 0.68),
    "DateTime/Chinese/DatePeriodExtractor.json": (0.86, 0.80),
    "DateTime/Chinese/DatePeriodParser.json": (0.82, 0.65),
}


@dataclass
class FileResult:
    name: str
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    excluded: int = 0
    excluded_passed: int = 0  # excluded cases that pass anyway

    @property
    def raw_rate(self) -> float:
        """Over every case, exclusions counted as the failures they mostly are."""
        total = self.counted + self.excluded
        return (self.passed + self.excluded_passed) / total if total else 1.0

    @property
    def counted(self) -> int:
        return self.passed + len(self.failed)

    @property
    def rate(self) -> float:
        return self.passed / self.counted if self.counted else 1.0


def _load_exclusions() -> dict[tuple[str, str], str]:
    data = yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8"))
    reasons = data["reasons"]
    out = {}
    for case in data["cases"]:
        out[(case["file"], case["input"])] = reasons[case["reason"]]
    return out


def _dec(text) -> Optional[Decimal]:
    try:
        return Decimal(str(text).rstrip("%"))
    except (InvalidOperation, TypeError):
        return None


def _ref_date(case: dict) -> Optional[date]:
    ref = (case.get("Context") or {}).get("ReferenceDateTime")
    return datetime.fromisoformat(ref).date() if ref else None


def _span(result: dict) -> tuple[int, int]:
    if "Length" in result:
        return result["Start"], result["Start"] + result["Length"]
    return result["Start"], result["End"] + 1


def _labelled(text: str, label: str, pub: Optional[date] = None):
    """Our mentions of ``label`` in a spec's input, read as the pipeline reads a
    document: normalized first (full-width digits are folded there, once).  On
    these inputs normalizing moves no offset (it drops trailing spaces at most),
    so their spans compare with ours as they are."""
    normalized = normalize_text(text)
    assert len(normalized) == len(text.rstrip(" ")), f"normalizing moved offsets in {text!r}"
    return [m for m in extract_numeric(normalized, pub) if m.label == label]


# --- one checker per file: (case) -> passed? --------------------------------


def check_currency(case: dict) -> bool:
    expected = [(_span(r), _dec(r["Resolution"]["value"]), r["Resolution"].get("isoCurrency"))
                for r in case["Results"]]
    got = _labelled(case["Input"], "MONEY")
    if len(got) != len(expected):
        return False
    for m, (span, value, iso) in zip(got, expected):
        if (m.start, m.end) != span or not _same_value(m.value, value) or (iso and m.currency != iso):
            return False
    return True


def check_percent(case: dict) -> bool:
    expected = [(_span(r), _dec(r["Resolution"]["value"])) for r in case["Results"]]
    got = _labelled(case["Input"], "PERCENT")
    return [((m.start, m.end), m.value) for m in got] == expected


def _same_value(ours: Optional[Decimal], theirs: Optional[Decimal]) -> bool:
    """Exact, except that their values are doubles printed to 15 digits
    (四千二分之三 = 0.000714285714285714): agree to 1e-12 relative there."""
    if ours is None or theirs is None:
        return ours == theirs
    return ours == theirs or abs(ours - theirs) <= abs(theirs) * Decimal("1e-12")


def check_number_in_amount(case: dict) -> bool:
    if not case["Results"]:
        # nothing in the input is a number: 元 appended makes no MONEY end there
        amount = case["Input"] + "元"
        return all(m.end != len(amount) for m in _labelled(amount, "MONEY"))
    for r in case["Results"]:
        start, end = _span(r)
        amount = case["Input"][start:end] + "元"
        got = _labelled(amount, "MONEY")
        if len(got) != 1 or (got[0].start, got[0].end) != (0, len(amount)):
            return False
        if not _same_value(got[0].value, _dec(r["Resolution"]["value"])):
            return False
    return True


_BOUND_QUALIFIERS = {"(": "more_than", "[": "at_least"}
_UPPER_QUALIFIERS = {")": "less_than", "]": "at_most"}


def _interval(value: str) -> tuple[Optional[Decimal], Optional[Decimal], Optional[str]]:
    """'(500,)' -> (500, None, more_than); '[20,100)' -> (20, 100, None)."""
    left, right = value[0], value[-1]
    low_text, high_text = value[1:-1].split(",")
    low, high = _dec(low_text) if low_text else None, _dec(high_text) if high_text else None
    if low is not None and high is not None:
        return low, high, None
    if low is not None:
        return low, None, _BOUND_QUALIFIERS[left]
    return high, None, _UPPER_QUALIFIERS[right]


def check_range_in_amount(case: dict) -> bool:
    for r in case["Results"]:
        start, end = _span(r)
        amount = case["Input"][start:end] + "个"
        got = _labelled(amount, "QUANTITY")
        if len(got) != 1 or (got[0].start, got[0].end) != (0, len(amount)):
            return False
        value, value_max, qualifier = _interval(r["Resolution"]["value"])
        m = got[0]
        if (m.value, m.value_max, m.qualifier) != (value, value_max, qualifier):
            return False
    return True


# Their range spans start with the preposition (从2016年至2018年, 在2007年与
# 2009年之间); ours start at the date itself.
_LEADING_PREPOSITIONS = ("从", "在")


def _date_span(case: dict, result: dict) -> tuple[int, int]:
    start, end = _span(result)
    if case["Input"][start:start + 1] in _LEADING_PREPOSITIONS:
        start += 1
    return start, end


def check_date_spans(case: dict) -> bool:
    got = _labelled(case["Input"], "DATE", _ref_date(case))
    return [(m.start, m.end) for m in got] == [_date_span(case, r) for r in case["Results"]]


def _resolutions(result: dict, key: str) -> set[str]:
    value = result.get("Value") or {}
    return {res[key] for res in (value.get("FutureResolution"), value.get("PastResolution"))
            if res and key in res}


def check_date_values(case: dict) -> bool:
    """Our date_value equals their timex, or (partial dates: their resolutions
    depend on future/past preference, ours on nearness) one of the two."""
    if not check_date_spans(case):
        return False
    got = _labelled(case["Input"], "DATE", _ref_date(case))
    for m, r in zip(got, case["Results"]):
        timex = (r.get("Value") or {}).get("Timex")
        if m.date_value != timex and m.date_value not in _resolutions(r, "date"):
            return False
    return True


def check_period_values(case: dict) -> bool:
    """Start must match; their end is exclusive for whole periods and
    inclusive for day ranges, ours is always the last day."""
    if not check_date_spans(case):
        return False
    got = _labelled(case["Input"], "DATE", _ref_date(case))
    for m, r in zip(got, case["Results"]):
        timex = (r.get("Value") or {}).get("Timex")
        if m.date_value == timex:
            continue
        starts = {date.fromisoformat(s) for s in _resolutions(r, "startDate")}
        ends = {date.fromisoformat(s) for s in _resolutions(r, "endDate")}
        ends |= {e - timedelta(days=1) for e in ends}
        if m.date_start not in starts or m.date_end not in ends:
            return False
    return True


CHECKS: dict[str, Callable[[dict], bool]] = {
    "NumberWithUnit/Chinese/CurrencyModel.json": check_currency,
    "Number/Chinese/PercentModel.json": check_percent,
    "Number/Chinese/NumberModel.json": check_number_in_amount,
    "Number/Chinese/NumberRangeModel.json": check_range_in_amount,
    "DateTime/Chinese/DateExtractor.json": check_date_spans,
    "DateTime/Chinese/DateParser.json": check_date_values,
    "DateTime/Chinese/DatePeriodExtractor.json": check_date_spans,
    "DateTime/Chinese/DatePeriodParser.json": check_period_values,
}


def run_file(name: str, exclusions: dict[tuple[str, str], str]) -> FileResult:
    cases = json.loads((_spec_root() / name).read_text(encoding="utf-8-sig"))
    result = FileResult(name)
    short = name.rsplit("/", 1)[-1]
    for case in cases:
        try:
            ok = CHECKS[name](case)
        except Exception as error:  # a crash is a failure of ours, reported as such
            ok = False
            case = {**case, "Input": f"{case['Input']}  [raised {error!r}]"}
        if (short, case["Input"]) in exclusions:
            result.excluded += 1
            result.excluded_passed += ok
            continue
        if ok:
            result.passed += 1
        else:
            result.failed.append(case["Input"])
    return result


def _require_specs() -> None:
    if not _spec_root().is_dir():
        pytest.skip(f"Recognizers-Text specs not found at {_spec_root()}")


def test_exclusions_name_real_cases_with_reasons():
    _require_specs()
    data = yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8"))
    inputs = {}
    for name in CHECKS:
        cases = json.loads((_spec_root() / name).read_text(encoding="utf-8-sig"))
        inputs[name.rsplit("/", 1)[-1]] = {c["Input"] for c in cases}
    for case in data["cases"]:
        assert case["reason"] in data["reasons"], case
        assert case["input"] in inputs[case["file"]], case


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_pass_rate_above_floor(name):
    _require_specs()
    result = run_file(name, _load_exclusions())
    in_scope, over_all = FLOORS[name]
    print(f"\n{name}: {result.passed}/{result.counted} = {result.rate:.1%} "
          f"(excluded {result.excluded}, floor {in_scope:.0%}; "
          f"{result.raw_rate:.1%} over all {result.counted + result.excluded} cases, floor {over_all:.0%})")
    assert result.rate >= in_scope, (
        f"{name}: pass rate {result.rate:.1%} under floor {in_scope:.0%}; "
        f"failing: {result.failed[:20]}")
    assert result.raw_rate >= over_all, (
        f"{name}: pass rate over all cases {result.raw_rate:.1%} under floor {over_all:.0%}")


def main() -> None:
    exclusions = _load_exclusions()
    print("| file | passed / in scope | rate | floor | excluded | passed / all cases | rate over all cases | floor |")
    print("|---|---|---|---|---|---|---|---|")
    details = []
    for name in FLOORS:
        r = run_file(name, exclusions)
        in_scope, over_all = FLOORS[name]
        total = r.counted + r.excluded
        print(f"| {name.rsplit('/', 1)[-1]} | {r.passed}/{r.counted} | {r.rate:.1%} | {in_scope:.0%} "
              f"| {r.excluded} | {r.passed + r.excluded_passed}/{total} | {r.raw_rate:.1%} | {over_all:.0%} |")
        details.append(r)
    if "-v" in sys.argv:
        for r in details:
            for text in r.failed:
                print(f"FAIL {r.name.rsplit('/', 1)[-1]}: {text}")


if __name__ == "__main__":
    main()
