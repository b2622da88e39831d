"""The report's HTML pieces: values as an editor reads them, inline SVG charts,
tables and the page's sections.  Every piece of text from the tables is
escaped (:func:`esc`), since it is untrusted input."""
from __future__ import annotations

import html
import math
from typing import Any, Callable, Optional

import pandas as pd

from pipeline.look.report_figures import (LABEL_ORDER, TOP_N, RunTables, figures, indicator_totals, label_counts,
                                          top_names)

OPEN_DOCUMENTS = 3  # shown unfolded; the rest open on a click, so a long page stays scannable
MAX_ERRORS_LISTED = 200

LABEL_COLORS = {
    "ORG": "#7aecec", "PERSON": "#aa9cfc", "GPE": "#feca74", "LOC": "#ff9561", "DATE": "#bfe1d9",
    "MONEY": "#e4e7d2", "PERCENT": "#c8e6a0", "QUANTITY": "#f0d0ff",
}
LABEL_NAMES = {
    "ORG": "organisations", "PERSON": "people", "GPE": "administrative places", "LOC": "other places",
    "DATE": "dates", "MONEY": "money", "PERCENT": "percentages", "QUANTITY": "quantities",
}
QUALIFIER_TEXT = {"approx": "≈", "more_than": ">", "at_least": "≥", "less_than": "<", "at_most": "≤"}

# displaCy fills {label} {text} {bg} {kb_link} itself; {tip} and {shown} come
# from each span's "params", already escaped here.
ENT_TEMPLATE = ('<mark class="entity ent-{label}" data-label="{label}" title="{tip}" style="background: {bg}">'
                '{text}<span class="ent-label">{label}</span>{shown}</mark>')


def esc(value: Any) -> str:
    """Escaped text for element content and double-quoted attributes."""
    return html.escape("" if missing(value) else str(value), quote=True)


def missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


# --- values as text ------------------------------------------------------------------------


def format_amount(value: float) -> str:
    """Chinese newsroom scale, as the papers print it: 3135.7万, 1.2亿, 164.27万亿."""
    for scale, unit in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"), (1.0, "")):
        if abs(value) >= scale or scale == 1.0:
            return f"{value / scale:.2f}".rstrip("0").rstrip(".") + unit
    raise AssertionError("unreachable")


def _number(value: Any) -> str:
    return f"{float(value):,.6g}" if abs(float(value)) < 1e6 else f"{float(value):,.0f}"


def value_text(row: dict[str, Any]) -> str:
    """The resolved value of a mention as an editor reads it ('' when it has none)."""
    label = row.get("label")
    qualifier = QUALIFIER_TEXT.get(row.get("qualifier") or "", "")
    high = "" if missing(row.get("value_max")) else f"–{_number(row['value_max'])}"
    if label == "DATE":
        if missing(row.get("date_value")):
            return ""
        span = ""
        if not missing(row.get("date_start")) and row.get("date_start") != row.get("date_end"):
            span = f" ({_iso(row['date_start'])} – {_iso(row['date_end'])})"
        return f"{row['date_value']}{span}"
    if label in ("MONEY", "PERCENT", "QUANTITY") and not missing(row.get("value")):
        number = f"{qualifier}{_number(row['value'])}{high}"
        if label == "MONEY":
            return f"{number} {row.get('currency') or ''}".strip()
        if label == "PERCENT":
            return f"{number} {'pp' if row.get('unit') == 'pp' else '%'}"
        return f"{number} {row.get('unit') or ''}".strip()
    norm = row.get("norm")
    return "" if missing(norm) else str(norm)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# --- charts (inline SVG) ------------------------------------------------------------------------


def bar_chart_svg(names: list[str], values: list[float], formatter: Callable[[float], str],
                  title: str, width: int = 720, empty_text: str = "Nothing to chart.") -> str:
    """Horizontal bars, one row per name, longest first as given."""
    if not names:
        return f'<p class="empty">{esc(empty_text)}</p>'
    row, label_width, value_width = 24, 230, 150
    bar_space = width - label_width - value_width
    top = max(values) or 1.0
    height = row * len(names) + 8
    parts = [f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>']
    for i, (name, value) in enumerate(zip(names, values)):
        y = 4 + i * row
        length = max(1.0, bar_space * max(value, 0) / top)
        shown = name if len(name) <= 16 else name[:15] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{esc(shown)}</text>'
                     f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 7}" rx="3">'
                     f'<title>{esc(name)}: {esc(formatter(value))}</title></rect>'
                     f'<text x="{label_width + length + 6:.1f}" y="{y + 16}" class="num">'
                     f'{esc(formatter(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def column_chart_svg(names: list[str], values: list[float], formatter: Callable[[float], str],
                     title: str, height: int = 220) -> str:
    """Vertical columns in the order given (months, left to right)."""
    if not names:
        return '<p class="empty">Nothing to chart.</p>'
    column, bottom, top_pad = 84, 40, 22
    width = max(240, column * len(names) + 20)
    top = max(values) or 1.0
    space = height - bottom - top_pad
    parts = [f'<svg class="chart" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>'
             f'<line x1="10" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" class="axis"/>']
    for i, (name, value) in enumerate(zip(names, values)):
        x = 10 + i * column
        length = max(1.0, space * max(value, 0) / top)
        y = height - bottom - length
        parts.append(f'<rect x="{x + 10}" y="{y:.1f}" width="{column - 20}" height="{length:.1f}" rx="3">'
                     f'<title>{esc(name)}: {esc(formatter(value))}</title></rect>'
                     f'<text x="{x + column / 2}" y="{y - 5:.1f}" text-anchor="middle" class="num">'
                     f'{esc(formatter(value))}</text>'
                     f'<text x="{x + column / 2}" y="{height - bottom + 16}" text-anchor="middle">{esc(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


# --- HTML pieces ------------------------------------------------------------------------------------


def table_html(frame: pd.DataFrame, columns: dict[str, str],
               formatters: Optional[dict[str, Callable[[Any], str]]] = None, css_class: str = "") -> str:
    """A table of ``columns`` (column -> heading); every cell escaped."""
    formatters = formatters or {}
    if frame.empty:
        return '<p class="empty">None.</p>'
    head = "".join(f"<th>{esc(heading)}</th>" for heading in columns.values())
    body = []
    for record in frame.to_dict("records"):
        cells = []
        for column in columns:
            value = record.get(column)
            text = formatters[column](value) if column in formatters and not missing(value) else value
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(f'<td class="num">{esc(text)}</td>' if numeric else f"<td>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _timestamp(value: Any) -> str:
    if missing(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S UTC")


def summary_section(tables: RunTables) -> str:
    runs = tables.runs.sort_values("started_at") if not tables.runs.empty else tables.runs
    n_inputs = int(runs["n_inputs"].sum()) if not runs.empty else 0
    figures = [("runs", len(runs)), ("inputs read", n_inputs), ("documents", len(tables.documents)),
               ("repeats of a document", tables.n_repeats), ("articles", tables.n_articles), ("sentences", tables.n_sentences),
               ("entity mentions", len(tables.entities)), ("refused inputs", len(tables.errors))]
    tiles = "".join(f'<div class="tile"><div class="big">{value:,}</div><div>{esc(name)}</div></div>'
                    for name, value in figures)
    dates = pd.to_datetime(tables.documents["pub_date"], errors="coerce").dropna()
    span = (f"Publication dates {dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}; "
            if not dates.empty else "")
    undated = int(tables.documents["pub_date"].isna().sum())
    run_table = table_html(runs, {"run_id": "run", "started_at": "started", "finished_at": "finished",
                                  "n_inputs": "inputs", "n_documents": "documents written",
                                  "n_errors": "refused", "n_warnings": "warnings",
                                  "pipeline_version": "pipeline version"},
                           {"started_at": _timestamp, "finished_at": _timestamp})
    formats = tables.documents.groupby("source_format").size().to_dict() if not tables.documents.empty else {}
    format_text = ", ".join(f"{count} {esc(name)}" for name, count in sorted(formats.items()))
    errors = tables.errors.head(MAX_ERRORS_LISTED)
    more = (f'<p class="note">Showing the first {MAX_ERRORS_LISTED} of {len(tables.errors):,} refused inputs and '
            f'warnings; all are in the <code>errors</code> table.</p>' if len(tables.errors) > MAX_ERRORS_LISTED else "")
    error_table = table_html(errors, {"source": "input", "stage": "stage", "severity": "severity", "error_type": "error",
                                      "message": "reason", "run_id": "run"}, css_class="errors")
    return (f'<section id="summary"><h2>Run summary</h2><div class="tiles">{tiles}</div>'
            f'<p>{esc(span)}{undated:,} document(s) without a publication date. '
            f'Input formats: {format_text or "none"}.</p>'
            f'<h3>Runs</h3>{run_table}<h3>Refused inputs and warnings</h3>{error_table}{more}</section>')


def labels_section(entities: pd.DataFrame) -> str:
    counts = label_counts(entities)
    counts["what"] = counts["label"].map(LABEL_NAMES).fillna("")
    chart = bar_chart_svg(counts["label"].tolist(), counts["mentions"].astype(float).tolist(),
                          lambda v: f"{v:,.0f}", "Mentions per label")
    table = table_html(counts, {"label": "label", "what": "what", "mentions": "mentions",
                                "documents": "documents with it"})
    return f'<section id="labels"><h2>Mentions per label</h2><div class="pair">{chart}{table}</div></section>'


def names_section(entities: pd.DataFrame) -> str:
    parts = ['<section id="names"><h2>Top organisations and places</h2>'
             '<p class="note">By canonical name (<code>norm</code>): 市民政局 and 阳泉市民政局 count as one.</p>'
             '<div class="pair">']
    for title, labels in (("Organisations (ORG)", ["ORG"]), ("Places (GPE and LOC)", ["GPE", "LOC"])):
        top = top_names(entities, labels)
        chart = bar_chart_svg(top["name"].tolist(), top["mentions"].astype(float).tolist(),
                              lambda v: f"{v:,.0f}", f"Top {title}", width=520)
        table = table_html(top, {"name": "name", "label": "label", "mentions": "mentions",
                                 "documents": "documents"})
        parts.append(f'<div><h3>{esc(title)}</h3>{chart}{table}</div>')
    parts.append("</div></section>")
    return "".join(parts)


MAX_FIGURES_LISTED = 300


def measures_section(tables: RunTables) -> str:
    """What each number measures: a table of the figures, a chart of each document's
    money levels by indicator, and totals that add figures of one indicator only."""
    rules = ('<p class="note">One row per MONEY, PERCENT and measuring QUANTITY mention (the <code>measures</code> '
             'table, docs/measures.md): what it measures, a level or a change, for when and where. Totals add '
             '<b>level figures of one indicator, period, place and unit</b> only; figures of different '
             'indicators are never added together.</p>')
    found = figures(tables)
    if found.empty:
        return f'<section id="measures"><h2>Measures</h2>{rules}<p class="empty">No figures.</p></section>'
    found = found.assign(change=found.apply(_change_text, axis=1), figure=found["text"],
                         target=found["target"].map(lambda t: "target" if t else ""))
    parts = [f'<section id="measures"><h2>Measures</h2>{rules}']
    for doc_id, in_document in list(found.groupby("doc_id", sort=False))[:3]:
        money = in_document[(in_document["kind"] == "level") & in_document["currency"].notna()
                            & in_document["value"].notna()]
        if money.empty:
            continue
        currency = money["currency"].mode().iloc[0]
        money = money[money["currency"] == currency].head(TOP_N)
        names = (money["indicator"].fillna("?") + " " + money["period"].fillna("")).str.strip().tolist()
        parts.append(f'<h3>{esc(in_document["source"].iloc[0])}: money figures by indicator ({esc(currency)})</h3>'
                     + bar_chart_svg(names, money["value"].tolist(), format_amount, f"{currency} by indicator"))
    listed = found.head(MAX_FIGURES_LISTED)
    parts.append(f'<h3>Figures (the first {len(listed)} of {len(found)})</h3>'
                 + table_html(listed, {"indicator": "indicator", "period": "period", "place": "place",
                                       "figure": "figure", "value": "value", "change": "level / change",
                                       "target": "target"}, {"value": format_amount}))
    totals = repeated_indicator_totals(found)
    parts.append('<h3>Totals within one indicator (where it has more than one figure)</h3>'
                 + table_html(totals, {"indicator": "indicator", "period": "period", "place": "place",
                                       "measure_unit": "unit", "total": "total", "figures": "figures",
                                       "documents": "documents"}, {"total": format_amount}))
    parts.append("</section>")
    return "".join(parts)


def repeated_indicator_totals(found: pd.DataFrame, n: int = TOP_N) -> pd.DataFrame:
    """The n totals within one indicator that add the most figures; a "total" of
    one figure is only that figure, so those are left out."""
    totals = indicator_totals(found)
    return totals[totals["figures"] > 1].head(n)


def _change_text(row: pd.Series) -> str:
    if row["kind"] != "change":
        return "level"
    arrow = {"up": "↑", "down": "↓"}.get(row["direction"] if isinstance(row["direction"], str) else "", "")
    basis = row["basis"] if isinstance(row["basis"], str) else ""
    return " ".join(part for part in ("change", arrow, basis) if part)


def document_markup(document: dict[str, Any], mentions: pd.DataFrame) -> str:
    """A document's text with its mentions highlighted by displaCy, values on hover and beside."""
    from spacy import displacy

    spans = []
    last_end = -1
    for row in mentions.sort_values(["start", "end"]).to_dict("records"):
        if row["start"] < last_end:  # never expected (spans do not overlap), but displaCy would garble them
            continue
        last_end = row["end"]
        shown = value_text(row)
        tip = f"{row['label']}: {shown}" if shown else row["label"]
        if not missing(row.get("source")):
            tip += f"  [{row['source']}]"
        beside = f'<span class="ent-value">{esc(shown)}</span>' if shown and shown != row["text"] else ""
        spans.append({"start": int(row["start"]), "end": int(row["end"]), "label": esc(row["label"]),
                      "params": {"tip": esc(tip), "shown": beside}})
    return displacy.render({"text": document["text"] or "", "ents": spans}, style="ent", manual=True, jupyter=False,
                           options={"colors": LABEL_COLORS, "template": ENT_TEMPLATE})


def documents_section(documents: pd.DataFrame, entities: pd.DataFrame, max_documents: int) -> str:
    ordered = documents.sort_values(["pub_date", "source"], na_position="last")
    shown = ordered.head(max_documents)
    note = (f"The first {len(shown):,} of {len(documents):,} documents (by publication date, then source) are "
            "shown here; the tables hold them all." if len(documents) > len(shown)
            else f"All {len(documents):,} document(s).")
    legend = "".join(f'<button type="button" class="legend ent-{label}" data-toggle="{label}" '
                     f'style="background: {LABEL_COLORS[label]}" aria-pressed="true">{label}</button>'
                     for label in LABEL_ORDER)
    by_doc = {doc_id: frame for doc_id, frame in entities.groupby("doc_id")} if not entities.empty else {}
    parts = [f'<section id="documents"><h2>Documents</h2><p class="note">{esc(note)} Hover a highlighted '
             f'mention for its label, resolved value and the component that found it; click a label below to '
             f'hide or show it.</p><div class="legend-row">{legend}</div>']
    empty = entities.iloc[0:0]
    for index, document in enumerate(shown.to_dict("records")):
        mentions = by_doc.get(document["doc_id"], empty)
        date = "" if missing(document.get("pub_date")) else _iso(document["pub_date"])
        title = document.get("title")
        heading = esc(title) if not missing(title) and title else esc(document["source"])
        parts.append(
            f'<article class="doc" id="doc-{esc(document["doc_id"])}"><h3>{heading}</h3>'
            f'<p class="meta">{esc(document["source"])} · published {esc(date or "—")} · '
            f'{int(document["n_chars"]):,} characters · {len(mentions):,} mentions · doc_id '
            f'<code>{esc(document["doc_id"])}</code></p>'
            f'<details{" open" if index < OPEN_DOCUMENTS else ""}><summary>Text with entities</summary>'
            f'{document_markup(document, mentions)}</details></article>')
    parts.append("</section>")
    return "".join(parts)
