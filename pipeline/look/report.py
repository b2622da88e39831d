"""``pipeline report OUT --html FILE``: one self-contained HTML page about a run.

The page is for an editor or analyst: what went in and what was refused, how
many mentions of each label were found, the top organisations and places, what
each number measures (the ``measures`` table: a table of the figures, each
document's money figures by indicator as a chart, and totals that add figures
of one indicator, period, place and unit only, never unlike figures), and the
first documents with their entities highlighted by displaCy (the resolved value
on hover and beside each mention).

Self-contained means it opens offline and years later: CSS, SVG charts and
the little script are inline; no fonts, scripts or images are fetched.  Every
piece of text from the tables is escaped, since it is untrusted input.

The figures are computed in report_figures.py, the page's pieces in
report_sections.py.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Union

from pipeline.look.report_figures import LABEL_ORDER, RunTables, load_tables
from pipeline.look.report_sections import (documents_section, esc, labels_section, measures_section, names_section,
                                           summary_section)

DEFAULT_MAX_DOCUMENTS = 50


# --- the page ------------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1d2733; --muted: #5b6573; --line: #d9dee5; --bar: #3f7cac; --bg: #fafbfc; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", system-ui, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #1f3a52; color: #fff; padding: 18px 32px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #cfdbe6; font-size: 13px; }
nav { padding: 8px 32px; background: #e9eef3; font-size: 14px; }
nav a { margin-right: 18px; color: #1f3a52; }
main { padding: 8px 32px 40px; max-width: 1280px; }
section { margin: 20px 0 28px; }
h2 { font-size: 19px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.note, .meta { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); font-style: italic; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.tile .big { font-size: 22px; font-weight: 600; }
.pair { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
table { border-collapse: collapse; background: #fff; font-size: 13px; margin: 6px 0; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.errors td:nth-child(4) { max-width: 520px; }
svg.chart { display: block; margin: 6px 0; font-size: 12px; }
svg.chart rect { fill: var(--bar); }
svg.chart text { fill: var(--ink); }
svg.chart text.num { fill: var(--muted); }
svg.chart .axis { stroke: var(--line); }
.doc { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 12px; margin: 12px 0; }
.doc summary { cursor: pointer; color: #1f3a52; }
.entities { line-height: 2.4; font-size: 15px; }
mark.entity { padding: 0.2em 0.35em; margin: 0 0.1em; border-radius: 0.3em; }
.ent-label { font-size: 0.65em; font-weight: 700; margin-left: 0.3em; vertical-align: middle; }
.ent-value { font-size: 0.7em; margin-left: 0.3em; color: #304050; vertical-align: middle; }
.ent-value::before { content: "= "; }
.legend-row { margin: 6px 0 10px; }
button.legend { border: 1px solid #9aa5b1; border-radius: 4px; margin-right: 6px; padding: 2px 10px;
                font-weight: 700; cursor: pointer; }
button.legend[aria-pressed="false"] { opacity: 0.35; text-decoration: line-through; }
""" + "\n".join(f"body.hide-{label} mark.ent-{label} {{ background: none !important; }}\n"
                f"body.hide-{label} mark.ent-{label} > span {{ display: none; }}" for label in LABEL_ORDER)

# Label toggles; the last line marks the page as fully scripted, which the
# headless-browser test reads back with --dump-dom.
SCRIPT = """
(function () {
  document.querySelectorAll("button[data-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var label = button.getAttribute("data-toggle");
      var hidden = document.body.classList.toggle("hide-" + label);
      document.querySelectorAll('button[data-toggle="' + label + '"]').forEach(function (b) {
        b.setAttribute("aria-pressed", hidden ? "false" : "true");
      });
    });
  });
  document.documentElement.setAttribute("data-report-ready", "ok");
})();
"""


def build_report(tables: RunTables, out_name: str, max_documents: int = DEFAULT_MAX_DOCUMENTS) -> str:
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections = [summary_section(tables), labels_section(tables.entities), names_section(tables.entities),
                measures_section(tables),
                documents_section(tables.documents, tables.entities, max_documents)]
    nav = "".join(f'<a href="#{anchor}">{name}</a>' for anchor, name in (
        ("summary", "Run summary"), ("labels", "Labels"), ("names", "Organisations and places"),
        ("measures", "Measures"), ("documents", "Documents")))
    return (f'<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>Extraction report: {esc(out_name)}</title><style>{CSS}</style></head>'
            f'<body><header><h1>Extraction report</h1><p>Output folder {esc(out_name)} · generated {generated}'
            f'</p></header><nav>{nav}</nav><main>{"".join(sections)}</main>'
            f'<script>{SCRIPT}</script></body></html>\n')


def write_report(out: Union[str, Path], html_path: Union[str, Path],
                 max_documents: int = DEFAULT_MAX_DOCUMENTS) -> Path:
    """Reads OUT's tables and writes the page (through a temporary file, then renamed)."""
    tables = load_tables(out)
    page = build_report(tables, str(out), max_documents)
    target = Path(html_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(target)
    return target
