"""Place names for the name rules, written to configs/names/place_names.tsv.

China's administrative divisions down to county level (full names and short
forms: 邛崃市, 邛崃) and the world's countries, capitals and large cities, from
the dictionaries that JioNLP (Apache-2.0, pinned in constraints.txt) ships.
Without them the rules knew only the provinces and the home province's towns:
a chain from any other county (张北县大河乡) had no anchor.

A short form that People's Daily's training days mostly print as another word
(和平, 东方, 鼓楼) is written with needs_chain = 1: it is a place only when an
administrative unit follows it (和平区, never 和平 alone).  So is a county's
short form that the training text holds outside any place or organisation
name (丰满 as a word, 周宁 in a person's name, 天等 in 三天等待).  The held-out
days and MSRA's held-out block are not read.

`python -m training place_names`; needs JioNLP installed (`pip install -e .[bench]`).
"""
from __future__ import annotations

import collections
import importlib.util
import io
import zipfile
from pathlib import Path
from typing import Iterator

from .corpora import PD_TEST_DAYS, msra_split, read_msra, read_pd

OUTPUT = Path(__file__).resolve().parent.parent / "configs" / "names" / "place_names.tsv"
# Kinds of area the dictionary lists among counties that are zones, not names to anchor on.
NOT_DIVISIONS = ("开发区", "新区", "管理区", "示范区", "管委会", "市辖区", "园区", "农场", "林场")
# A short form printed as a place in fewer than this share of its PD occurrences needs a unit after it.
MIN_PLACE_SHARE = 0.5
MIN_OCCURRENCES = 3
# A county's short form needs this many PD place marks to stand alone.
MIN_COUNTY_EVIDENCE = 2
FUNCTION_CHARACTERS = set("和与及在向对为各全本该每")


def _dictionary_text(name: str) -> str:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the place_names step reads JioNLP's dictionaries: pip install -e '.[bench]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "dictionary"
    if (folder / f"{name}.txt").exists():
        return (folder / f"{name}.txt").read_text(encoding="utf-8")
    with zipfile.ZipFile(folder / f"{name}.zip") as archive:  # JioNLP unzips on first import only
        return io.TextIOWrapper(archive.open(f"{name}.txt"), encoding="utf-8").read()


def china_divisions(text: str) -> Iterator[tuple[str, str, str]]:
    """(name, level, kind) for provinces, prefectures and counties: full names and short forms."""
    levels = {0: "province", 1: "prefecture", 2: "county"}
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth not in levels:
            continue
        fields = line.strip("\t").split("\t")
        full = fields[0]
        if full.endswith(NOT_DIVISIONS) or any(part in full for part in NOT_DIVISIONS):
            continue
        yield full, levels[depth], "full"
        if len(fields) > 2 and fields[2] and fields[2] != full:
            yield fields[2], levels[depth], "short"


def world_places(text: str) -> Iterator[tuple[str, str, str]]:
    """(name, level, kind) for countries (short and full names), capitals and listed cities."""
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 3:
            continue  # a continent heading
        yield fields[0], "country", "short"
        yield fields[1], "country", "full"
        yield fields[2], "capital", "full"
        if len(fields) > 3:
            for city in fields[3].split("/"):
                yield city, "city", "full"


def place_shares() -> dict[str, tuple[int, int]]:
    """Word -> (times tagged ns, times seen) over PD's training and dev days."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for paragraph in read_pd():
        if paragraph.day in PD_TEST_DAYS:
            continue
        for word, tag in zip(paragraph.words, paragraph.tags):
            counts[word][1] += 1
            if tag == "ns":
                counts[word][0] += 1
    return {word: (ns, seen) for word, (ns, seen) in counts.items()}


def training_texts() -> Iterator[tuple[str, list[tuple[int, int, str]]]]:
    """(text, entity spans) of PD's training and dev days and MSRA's training and dev blocks."""
    for paragraph in read_pd():
        if paragraph.day not in PD_TEST_DAYS:
            yield paragraph.text, paragraph.entities
    msra = list(read_msra())
    for index, sentence in enumerate(msra):
        if msra_split(index, len(msra)) != "test":
            yield sentence.text, sentence.entities


def uses_outside_names(names: set[str], texts: Iterator[tuple[str, list[tuple[int, int, str]]]]) -> collections.Counter:
    """How often each name occurs in the texts outside every place and organisation span
    (inside a word, across words, in a person's name)."""
    uses: collections.Counter = collections.Counter()
    lengths = sorted({len(name) for name in names})
    for text, entities in texts:
        covering = [(0, 0)] * len(text)
        for start, end, label in entities:
            if label in ("PLACE", "ORG"):
                covering[start:end] = [(start, end)] * (end - start)
        for length in lengths:
            for i in range(len(text) - length + 1):
                if text[i:i + length] in names:
                    start, end = covering[i]
                    if not (start <= i and i + length <= end):
                        uses[text[i:i + length]] += 1
    return uses


def needs_chain(name: str, level: str, kind: str, shares: dict[str, tuple[int, int]],
                elsewhere: dict[str, int]) -> bool:
    """Whether the name is a place only with a unit after it.

    Full names are places (张北县), except a two-character one whose first
    character is a function word (和县 in 市和县).  A county's short form is
    a place where People's Daily printed it as one at least twice and more
    often than not, or where the training text never holds it outside a place
    or organisation name (嵊州, 阜平); many are words or name parts too (丰满,
    天等, 周宁).  Other short forms and world names are places unless PD mostly
    prints them as something else (东方, 中山).
    """
    ns, seen = shares.get(name, (0, 0))
    if kind == "full" and level not in ("capital", "city"):
        return len(name) == 2 and name[0] in FUNCTION_CHARACTERS
    if level == "county":
        printed_as_place = ns >= MIN_COUNTY_EVIDENCE and ns / seen >= MIN_PLACE_SHARE
        return not printed_as_place and elsewhere.get(name, 0) > 0
    return seen >= MIN_OCCURRENCES and ns / seen < MIN_PLACE_SHARE


def build_place_names(output: Path = OUTPUT) -> dict[str, int]:
    shares = place_shares()
    rows: dict[str, tuple[str, bool]] = {}
    entries = list(china_divisions(_dictionary_text("china_location"))) + list(
        world_places(_dictionary_text("world_location")))
    county_short_forms = {name for name, level, kind in entries if level == "county" and kind == "short"}
    elsewhere = uses_outside_names(county_short_forms, training_texts())
    for name, level, kind in entries:
        if len(name) < 2:
            continue
        ambiguous = needs_chain(name, level, kind, shares, elsewhere)
        if name in rows:  # a name listed twice (朝阳区 of Beijing and of Changchun) needs a chain if either does
            ambiguous = ambiguous or rows[name][1]
        rows[name] = (level if name not in rows else rows[name][0], ambiguous)
    lines = ["# name\tlevel\tneeds_chain  (generated by `python -m training place_names` from JioNLP's "
             "dictionaries, Apache-2.0; do not edit)"]
    lines += [f"{name}\t{level}\t{int(ambiguous)}" for name, (level, ambiguous) in sorted(rows.items())]
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"names": len(rows), "needs_chain": sum(ambiguous for _, ambiguous in rows.values())}


if __name__ == "__main__":
    print(build_place_names())


# --- the hierarchy: configs/names/divisions.tsv and countries.tsv (issue 20.4) ---------------

DIVISIONS = OUTPUT.parent / "divisions.tsv"
COUNTRIES = OUTPUT.parent / "countries.tsv"
# Prefecture-level rows that group counties under a province directly (省直辖县级行政区划): no city.
DIRECT_COUNTY_GROUPS = ("省直辖", "自治区直辖")
# Countries whose JioNLP short name CLDR's Chinese territory names spell otherwise.
ISO_CODES_CLDR_LACKS = {"沙特": "SA", "巴勒斯坦": "PS", "波黑": "BA", "马其顿": "MK", "塞拉里昂": "SL",
                        "刚果(金)": "CD", "刚果(布)": "CG", "多米尼克国": "DM"}


def division_rows(text: str) -> Iterator[tuple[str, str, str, str, str, str]]:
    """(code, name, short names joined with /, province, city, county) for every province,
    prefecture and county of JioNLP's china_location, development zones left out as in
    place_names.tsv. A municipality (北京市) is its own city; its prefecture line is not repeated."""
    province = city = province_code = ""
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        fields = line.strip("\t").split("\t") + ["", ""]
        name, code, short = fields[0], fields[1], fields[2]
        if depth == 0:
            province, city, province_code = name, "", code
            yield code, name, short, province, "", ""
        elif depth == 1:
            # 北京市 under 北京市 is the municipality again; 香港 under 香港特别行政区 has the SAR's code
            if code == province_code or name.startswith(DIRECT_COUNTY_GROUPS):
                city = name if name == province else ""
                continue
            city = name
            yield code, name, short, province, city, ""
        elif not (name.endswith(NOT_DIVISIONS) or any(part in name for part in NOT_DIVISIONS)):
            # Hong Kong's and Macau's districts carry the SAR's code, which is not theirs
            yield "" if code == province_code else code, name, short, province, city, name


def country_rows(text: str) -> Iterator[tuple[str, str, str]]:
    """(ISO 3166 alpha-2, standard short name, full name) for JioNLP's world_location countries;
    the code from CLDR's Chinese names of territories (Babel, read at build time)."""
    from babel import Locale

    iso = {}
    for code, name in Locale("zh").territories.items():
        if len(code) == 2 and code.isalpha():
            iso.setdefault(name, code)
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) < 3:
            continue
        code = ISO_CODES_CLDR_LACKS.get(fields[0]) or iso.get(fields[0]) or iso.get(fields[1])
        if code is None:
            raise ValueError(f"no ISO 3166 code for {fields[0]}: add it to ISO_CODES_CLDR_LACKS")
        yield code, fields[0], fields[1]


def build_hierarchy(divisions: Path = DIVISIONS, countries: Path = COUNTRIES) -> dict[str, int]:
    """Writes the division table (code, name, short, province, city, county) and the country table."""
    municipalities = set()
    rows = list(division_rows(_dictionary_text("china_location")))
    for code, name, _short, province, city, _county in rows:
        if not city and name == province and code.endswith("0000") and province.endswith("市"):
            municipalities.add(province)
    header = ("# code\tname\tshort\tprovince\tcity\tcounty  (generated by `python -m training place_names` "
              "from JioNLP's china_location, Apache-2.0; do not edit)")
    lines = [header] + ["\t".join((code, name, short, province, province if name in municipalities else city, county))
                        for code, name, short, province, city, county in rows]
    divisions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    country_lines = ["# iso2\tname\tfull_name  (generated by `python -m training place_names` from JioNLP's "
                     "world_location, Apache-2.0, and CLDR's territory names; do not edit)"]
    country_lines += ["\t".join(row) for row in country_rows(_dictionary_text("world_location"))]
    countries.write_text("\n".join(country_lines) + "\n", encoding="utf-8")
    return {"divisions": len(rows), "countries": len(country_lines) - 1,
            "bytes": divisions.stat().st_size + countries.stat().st_size}
