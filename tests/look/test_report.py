"""pipeline.look.report: content of the page, escaping, no network, and a headless Chromium rendering.

The output folder is written without Prefect (the sample page through the
stages, plus a hostile document made by hand), so these tests take seconds.
Chromium is Debian's package (with fonts-wqy-microhei, so that the screenshot
shows Chinese): installed here only when /usr/bin/chromium is missing, we are
root and $CI or $PIPELINE_INSTALL_CHROMIUM is set; otherwise that test skips.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import parse_config
from pipeline.extract.measures.stage import measure_documents
from pipeline.look.report import build_report, write_report
from pipeline.look.report_figures import figures, indicator_totals, load_tables
from pipeline.look.report_sections import format_amount, value_text
from pipeline.tables.folder import OutputFolder
from pipeline.tables.rows import error_rows, repeat_rows, run_row
from pipeline.types import Article, Document, ErrorRow, Mention, Repeat, Sentence
from tests.conftest import ROOT
from tests.look.test_evaluate import extract_sample_page, installed_components

CHROMIUM = Path("/usr/bin/chromium")
HOSTILE_TITLE = "<script>alert('title')</script>"
HOSTILE_TEXT = "## 通知<img src=x onerror=alert(1)>\n\n市财政局下达资金3135.7万元，见http://evil.example/x。"


def hostile_document() -> Document:
    """A document whose text and title try to inject markup and links."""
    text = HOSTILE_TEXT
    body = text.index("市财政局")
    article = Article("h-a1", 1, HOSTILE_TITLE, 0, len(text))
    sentence = Sentence("h-s1", "h-a1", 1, body, len(text), text[body:])
    org = Mention("ORG", body, body + 4, "市财政局", "rules", norm="阳泉市财政局")
    money_start = text.index("3135.7万元")
    money = Mention("MONEY", money_start, money_start + 8, "3135.7万元", "numeric", value=Decimal("31357000"),
                    currency="CNY")
    return Document(doc_id="hostile000000000", source="in/hostile<b>.txt", source_format="txt", encoding="utf-8",
                    pub_date=date(2025, 2, 3), title=HOSTILE_TITLE, text=text, content_sha256="0" * 64,
                    articles=[article], sentences=[sentence], mentions=[org, money])


@pytest.fixture(scope="module")
def small_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report-out")
    folder = OutputFolder(out)
    folder.prepare()
    documents = [hostile_document()]
    components = installed_components()
    if components:
        documents.insert(0, extract_sample_page(components))
    measure_documents(documents, parse_config({"home": {"province": "山西省", "city": "阳泉市"}}))
    folder.commit_batch(documents, "run-1")
    errors = [ErrorRow("in/broken.txt", "ingest", "undecodable", "bytes <b>not</b> text & more")]
    now = datetime.now(timezone.utc)
    folder.write_part("errors", "run-1", error_rows(errors, "run-1"))
    copies = [Repeat("hostile000000000", f"in/copy{n}.txt", "txt", "utf_8", None, None) for n in (1, 2)]
    folder.write_part("repeats", "run-1", repeat_rows(copies, "run-1"))
    folder.write_part("runs", "run-1", [run_row("run-1", now, now, 3, len(documents), 1, "0" * 64, "test")])
    folder.write_part("superseded", "run-1", [])  # as a run's finish writes it: nothing replaced
    return out


@pytest.fixture(scope="module")
def page(small_run: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    write_report(small_run, path)
    return path


def test_the_page_shows_the_run_counts_and_errors(small_run: Path, page: Path):
    html = page.read_text(encoding="utf-8")
    entities = OutputFolder(small_run).read("entities")
    for label, count in entities.groupby("label").size().items():
        assert re.search(rf"<td>{label}</td><td>[^<]*</td><td class=\"num\">{count}</td>", html), label
    assert "undecodable" in html and "bytes &lt;b&gt;not&lt;/b&gt; text &amp; more" in html
    assert '<div class="big">2</div><div>repeats of a document</div>' in html
    assert "figures of different indicators are never added together" in html
    assert "阳泉市财政局" in html and "3135.7万" in html
    assert 'title="MONEY: 31,357,000 CNY  [numeric]"' in html  # the value on hover


def test_all_text_is_escaped_and_nothing_is_fetched(page: Path):
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img" not in html
    assert "<b>not" not in html and "hostile<b>" not in html and "hostile&lt;b&gt;.txt" in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert html.count("<script") == 1  # the page's own
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html and "url(" not in html


def test_the_documents_section_is_capped(small_run: Path):
    tables = load_tables(small_run)
    if len(tables.documents) < 2:
        pytest.skip("needs the sample page too")
    html = build_report(tables, "out", max_documents=1)
    assert "The first 1 of 2 documents" in html
    assert html.count('<article class="doc"') == 1


def test_totals_add_figures_of_one_indicator_period_place_and_unit_only():
    rows = [("m1", "e1", "国内生产总值", "level", "2021", "中国", 114e12, "CNY"),
            ("m2", "e2", "财政收入", "level", "2021", "中国", 20e12, "CNY"),
            ("m3", "e3", "财政收入", "level", "2021", "中国", 1e12, "CNY"),
            ("m4", "e4", "财政收入", "change", "2021", "中国", 0.107, None),
            ("m5", "e5", "财政收入", "level", "2022", "中国", 2e12, "CNY")]
    frame = pd.DataFrame(rows, columns=["measure_id", "entity_id", "indicator", "kind", "period", "place", "value",
                                        "currency"]).assign(unit=None, doc_id="d")
    totals = indicator_totals(frame).set_index(["indicator", "period"])["total"].to_dict()
    assert totals == {("财政收入", "2021"): 21e12, ("国内生产总值", "2021"): 114e12, ("财政收入", "2022"): 2e12}


def test_the_page_shows_the_measures_and_no_sum_of_unlike_figures(small_run: Path, page: Path):
    html = page.read_text(encoding="utf-8")
    assert 'id="measures"' in html and "普惠性津贴" in html
    assert "totals by organisation" not in html and "totals by month" not in html
    found = figures(load_tables(small_run))
    assert {"indicator", "period", "value", "text"} <= set(found.columns) and found["indicator"].notna().any()


def test_values_read_as_an_editor_would():
    assert format_amount(31357000) == "3135.7万"
    assert format_amount(1.2e8) == "1.2亿" and format_amount(20) == "20" and format_amount(0.5) == "0.5"
    assert value_text({"label": "QUANTITY", "value": 100.0, "unit": "人", "qualifier": "more_than"}) == ">100 人"
    assert value_text({"label": "DATE", "date_value": "2024", "date_start": date(2024, 1, 1),
                       "date_end": date(2024, 12, 31)}) == "2024 (2024-01-01 – 2024-12-31)"
    assert value_text({"label": "GPE", "norm": "阳泉市"}) == "阳泉市"


# --- headless Chromium -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        allowed = os.environ.get("CI") or os.environ.get("PIPELINE_INSTALL_CHROMIUM")
        if not (allowed and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
            pytest.skip("chromium is not installed (/usr/bin/chromium); as root with CI or "
                        "PIPELINE_INSTALL_CHROMIUM set, the test installs Debian's package")
        install_chromium()
    return CHROMIUM


def install_chromium() -> None:
    """Debian's chromium, and a small CJK font so the screenshot shows the Chinese text."""
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium", "fonts-wqy-microhei"]
    if subprocess.run(install, env=environment, capture_output=True, timeout=900).returncode != 0:
        # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update"], env=environment, capture_output=True, check=True, timeout=900)
        subprocess.run(install, env=environment, capture_output=True, check=True, timeout=900)


def run_chromium(chromium: Path, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_chromium_renders_the_page_without_script_errors(chromium: Path, page: Path, tmp_path: Path):
    screenshot = tmp_path / "report.png"
    shot = run_chromium(chromium, tmp_path / "profile-1", "--window-size=1280,2000",
                        f"--screenshot={screenshot}", page.as_uri())
    assert screenshot.exists(), shot.stderr[-2000:]
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses to a few kB
    dom = run_chromium(chromium, tmp_path / "profile-2", "--dump-dom", page.as_uri())
    assert 'data-report-ready="ok"' in dom.stdout, "the page's script did not finish"
    for output in (shot.stderr, dom.stderr):
        assert "Uncaught" not in output, output[-2000:]


# --- the dashboard queries in the README ---------------------------------------------------------------


def documented_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, re.DOTALL)


def test_the_documented_duckdb_queries_agree_with_the_tables(small_run: Path):
    duckdb = pytest.importorskip("duckdb", reason="duckdb is optional; install it to test the dashboard queries")
    series_query, mentions_query, places_query, months_query, month_query = documented_queries()
    run = lambda query: duckdb.sql(query.replace("'out/", f"'{small_run}/")).df()  # noqa: E731
    series = run(series_query)
    tables = load_tables(small_run)
    found = figures(tables)
    expected = found[(found["indicator"] == "普惠性津贴") & (found["kind"] == "level")]
    assert len(series) == len(expected)
    assert series["value"].tolist() == pytest.approx(expected["value"].tolist())
    if len(series):
        assert set(series["period"]) == {"2024"} and set(series["place"]) == {"阳泉市"}
    mentions = run(mentions_query)
    orgs = tables.entities[tables.entities["label"] == "ORG"]
    assert mentions["mentions"].sum() == len(orgs)
    assert "阳泉市财政局" in set(mentions["organisation"])
    places = run(places_query)
    gpe = tables.entities[(tables.entities["label"] == "GPE") & tables.entities["province"].notna()]
    assert places["mentions"].sum() == len(gpe)
    if len(gpe):  # the sample page is there: 我市 is 阳泉市
        assert ("山西省", "阳泉市") in set(zip(places["province"], places["city"]))
    months = run(months_query)  # run-1's documents: the sample page's March, the made-up page's February
    assert months["pub_month"].tolist() == sorted({d.strftime("%Y-%m") for d in tables.documents["pub_date"]})
    march = run(month_query)
    in_march = tables.entities[tables.entities["doc_id"].isin(
        tables.documents.loc[tables.documents["pub_date"].astype(str).str.startswith("2025-03"), "doc_id"])]
    assert len(march) == len(in_march) and set(march["source_id"]) <= set(tables.documents["source"])


# --- the commands ---------------------------------------------------------------------------------------


def test_the_report_and_eval_commands(small_run: Path, tmp_path: Path, capsys):
    import json

    from pipeline.cli import main
    from tests.look.test_evaluate import GOLD

    page = tmp_path / "page.html"
    assert main(["report", str(small_run), "--html", str(page), "--max-documents", "1"]) == 0
    assert page.exists() and 'data-label="MONEY"' in page.read_text(encoding="utf-8")
    if len(load_tables(small_run).documents) > 1:  # the sample page is there: score it
        scores = tmp_path / "scores.json"
        assert main(["eval", str(GOLD), str(small_run), "--json", str(scores)]) == 0
        assert "QUANTITY" in capsys.readouterr().out
        assert json.loads(scores.read_text(encoding="utf-8"))["micro"]["tp"] > 50
    missing = tmp_path / "missing.jsonl"
    missing.write_text(json.dumps({"source": "nowhere.txt", "label": "ORG", "text": "市委", "start": 0, "end": 2}),
                       encoding="utf-8")
    assert main(["eval", str(missing), str(small_run)]) == 2
    assert main(["report", str(tmp_path / "no-such-out"), "--html", str(page)]) == 2
