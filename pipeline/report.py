"""``pipeline report OUT --html FILE``: one self-contained HTML page about a run.

The page is for an editor or analyst: what went in and what was refused, how
many mentions of each label were found, the top organisations and places, money
totals by organisation and by month as charts, and the first documents with
their entities highlighted by displaCy (the resolved value on hover and beside
each mention).

Self-contained means it opens offline and years later: CSS, SVG charts and
the little script are inline; no fonts, scripts or images are fetched.  Every
piece of text from the tables is escaped, since it is untrusted input.

The rules behind the money figures (also stated on the page):

- a MONEY mention is credited to the nearest ORG mention before it in the same
  sentence (Chinese names the actor first), else the nearest one after it;
  without one it is "(no organisation in the sentence)".  This is the rule of
  the run's own money artifact (pipeline.summary.money_owner), so the two agree;
- an amount in a passage printed twice (``sentences.duplicate_of``) counts once;
- a month is the document's ``pub_date`` month; a document without one is
  "(no pub_date)";
- a range counts at its low end (``value``); each currency is totalled apart.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

import pandas as pd

DEFAULT_MAX_DOCUMENTS = 50
TOP_N = 15
OPEN_DOCUMENTS = 3  # shown unfolded; the rest open on a click, so a long page stays scannable
MAX_ERRORS_LISTED = 200
NO_ORG = "(no organisation in the sentence)"
NO_DATE = "(no pub_date)"

LABEL_ORDER = ("ORG", "PERSON", "GPE", "LOC", "DATE", "MONEY", "PERCENT", "QUANTITY")
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
    return html.escape("" if _missing(value) else str(value), quote=True)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


# --- the tables ----------------------------------------------------------------------


@dataclass
class RunTables:
    documents: pd.DataFrame
    entities: pd.DataFrame
    runs: pd.DataFrame
    errors: pd.DataFrame
    n_articles: int
    n_sentences: int
    n_repeats: int = 0  # inputs whose text a document already holds (repeats table)
    # sentences that repeat an earlier one (a passage printed twice): their money is not counted again
    duplicate_sentences: frozenset[str] = frozenset()


def load_tables(out: Union[str, Path]) -> RunTables:
    """The tables the page needs (sentences and articles only as counts)."""
    import pyarrow.parquet as pq

    from pipeline.tables.folder import OutputFolder

    folder = OutputFolder(Path(out))

    def count(table: str) -> int:
        return sum(pq.ParquetFile(part).metadata.num_rows for part in (folder.root / table).glob("part-*.parquet"))

    def duplicate_sentences() -> frozenset[str]:
        ids: set[str] = set()
        for part in (folder.root / "sentences").glob("part-*.parquet"):
            frame = pq.read_table(part, columns=["sentence_id", "duplicate_of"]).to_pandas()
            ids.update(frame.loc[frame["duplicate_of"].notna(), "sentence_id"])
        return frozenset(ids)

    return RunTables(documents=folder.read("documents"), entities=folder.read("entities"), runs=folder.read("runs"),
                     errors=folder.read("errors"), n_articles=count("articles"), n_sentences=count("sentences"),
                     n_repeats=count("repeats"), duplicate_sentences=duplicate_sentences())


def _name_of(frame: pd.DataFrame) -> pd.Series:
    """The canonical name, or the text where no norm was given."""
    return frame["norm"].where(frame["norm"].notna() & (frame["norm"] != ""), frame["text"])


def label_counts(entities: pd.DataFrame) -> pd.DataFrame:
    counts = entities.groupby("label").agg(mentions=("entity_id", "size"), documents=("doc_id", "nunique"))
    order = [label for label in LABEL_ORDER if label in counts.index]
    order += sorted(set(counts.index) - set(order))
    return counts.reindex(order).reset_index()


def top_names(entities: pd.DataFrame, labels: Iterable[str], n: int = TOP_N) -> pd.DataFrame:
    chosen = entities[entities["label"].isin(list(labels))]
    if chosen.empty:
        return pd.DataFrame(columns=["name", "label", "mentions", "documents"])
    chosen = chosen.assign(name=_name_of(chosen))
    grouped = chosen.groupby("name").agg(label=("label", lambda s: "/".join(sorted(set(s)))),
                                         mentions=("entity_id", "size"), documents=("doc_id", "nunique"))
    return grouped.sort_values(["mentions", "documents"], ascending=False).head(n).reset_index()


def countable_money(entities: pd.DataFrame, duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    """MONEY mentions with a value, once each: not again in a passage printed twice."""
    money = entities[(entities["label"] == "MONEY") & entities["value"].notna()]
    return money[~money["sentence_id"].isin(list(duplicate_sentences))]


def money_with_organisations(entities: pd.DataFrame,
                             duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    """Each MONEY mention with its ORG: the nearest before it in its sentence, else the nearest after."""
    money = countable_money(entities, duplicate_sentences)
    money = money[["entity_id", "doc_id", "sentence_id", "start", "end", "value", "currency"]]
    orgs = entities[entities["label"] == "ORG"]
    orgs = orgs.assign(org=_name_of(orgs))[["doc_id", "sentence_id", "start", "end", "org"]]
    pairs = money.merge(orgs, on=["doc_id", "sentence_id"], how="inner", suffixes=("", "_org"))
    if not pairs.empty:
        before = pairs["start"] - pairs["end_org"]
        after = pairs["start_org"] - pairs["end"]
        pairs["distance"] = before.where(before >= 0, after.where(after >= 0, 0))
        pairs["after"] = pairs["start_org"] >= pairs["end"]  # False sorts first: any ORG before wins
        pairs = pairs.sort_values(["entity_id", "after", "distance", "start_org"])
        pairs = pairs.drop_duplicates("entity_id")[["entity_id", "org"]]
    else:
        pairs = pd.DataFrame(columns=["entity_id", "org"])
    joined = money.merge(pairs, on="entity_id", how="left")
    joined["org"] = joined["org"].fillna(NO_ORG)
    joined["currency"] = joined["currency"].fillna("?")
    return joined


def money_by_organisation(entities: pd.DataFrame,
                          duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    money = money_with_organisations(entities, duplicate_sentences)
    grouped = money.groupby(["currency", "org"]).agg(total=("value", "sum"), mentions=("value", "size"))
    return grouped.reset_index().sort_values(["currency", "total"], ascending=[True, False])


def money_by_month(entities: pd.DataFrame, documents: pd.DataFrame,
                   duplicate_sentences: frozenset[str] = frozenset()) -> pd.DataFrame:
    money = countable_money(entities, duplicate_sentences)
    dates = documents[["doc_id", "pub_date"]].drop_duplicates("doc_id")
    money = money.merge(dates, on="doc_id", how="left")
    month = pd.to_datetime(money["pub_date"], errors="coerce").dt.strftime("%Y-%m")
    money = money.assign(month=month.fillna(NO_DATE), currency=money["currency"].fillna("?"))
    grouped = money.groupby(["currency", "month"]).agg(total=("value", "sum"), mentions=("value", "size"))
    # chronological, with undated documents last
    return grouped.reset_index().sort_values(["currency", "month"], key=lambda s: s.replace(NO_DATE, "9999"))


def currencies_by_use(*frames: pd.DataFrame) -> list[str]:
    counts: dict[str, int] = {}
    for frame in frames:
        for currency, mentions in frame.groupby("currency")["mentions"].sum().items():
            counts[currency] = max(counts.get(currency, 0), int(mentions))
    return sorted(counts, key=lambda c: (-counts[c], c))


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
    high = "" if _missing(row.get("value_max")) else f"–{_number(row['value_max'])}"
    if label == "DATE":
        if _missing(row.get("date_value")):
            return ""
        span = ""
        if not _missing(row.get("date_start")) and row.get("date_start") != row.get("date_end"):
            span = f" ({_iso(row['date_start'])} – {_iso(row['date_end'])})"
        return f"{row['date_value']}{span}"
    if label in ("MONEY", "PERCENT", "QUANTITY") and not _missing(row.get("value")):
        number = f"{qualifier}{_number(row['value'])}{high}"
        if label == "MONEY":
            return f"{number} {row.get('currency') or ''}".strip()
        if label == "PERCENT":
            return f"{number} {'pp' if row.get('unit') == 'pp' else '%'}"
        return f"{number} {row.get('unit') or ''}".strip()
    norm = row.get("norm")
    return "" if _missing(norm) else str(norm)


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
            text = formatters[column](value) if column in formatters and not _missing(value) else value
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            cells.append(f'<td class="num">{esc(text)}</td>' if numeric else f"<td>{esc(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{esc(css_class)}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _timestamp(value: Any) -> str:
    if _missing(value):
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
                                  "n_errors": "refused", "pipeline_version": "pipeline version"},
                           {"started_at": _timestamp, "finished_at": _timestamp})
    formats = tables.documents.groupby("source_format").size().to_dict() if not tables.documents.empty else {}
    format_text = ", ".join(f"{count} {esc(name)}" for name, count in sorted(formats.items()))
    errors = tables.errors.head(MAX_ERRORS_LISTED)
    more = (f'<p class="note">Showing the first {MAX_ERRORS_LISTED} of {len(tables.errors):,} refused inputs; '
            f'all are in the <code>errors</code> table.</p>' if len(tables.errors) > MAX_ERRORS_LISTED else "")
    error_table = table_html(errors, {"source": "input", "stage": "stage", "error_type": "error",
                                      "message": "reason", "run_id": "run"}, css_class="errors")
    return (f'<section id="summary"><h2>Run summary</h2><div class="tiles">{tiles}</div>'
            f'<p>{esc(span)}{undated:,} document(s) without a publication date. '
            f'Input formats: {format_text or "none"}.</p>'
            f'<h3>Runs</h3>{run_table}<h3>Refused inputs</h3>{error_table}{more}</section>')


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


def money_section(tables: RunTables) -> str:
    by_org = money_by_organisation(tables.entities, tables.duplicate_sentences)
    by_month = money_by_month(tables.entities, tables.documents, tables.duplicate_sentences)
    rules = ('<p class="note">Each MONEY mention is credited to the <b>nearest ORG mention before it in the same '
             'sentence</b> (Chinese names the actor first), else to the nearest ORG after it; with no ORG in its '
             f'sentence it is counted under {esc(NO_ORG)}. An amount in a passage printed twice counts once. '
             'Months are the <b>month of the document\'s publication date</b> '
             f'(<code>pub_date</code>; undated documents under {esc(NO_DATE)}), not dates named in the text. '
             'Ranges count at their low end. Currencies are never added together.</p>')
    if by_org.empty:
        return f'<section id="money"><h2>Money</h2>{rules}<p class="empty">No MONEY mentions.</p></section>'
    parts = [f'<section id="money"><h2>Money</h2>{rules}']
    for currency in currencies_by_use(by_org, by_month)[:3]:
        in_currency = by_org[by_org["currency"] == currency]
        # the unattributed remainder would dwarf the organisations in the chart: table only
        orgs = in_currency[in_currency["org"] != NO_ORG].head(TOP_N)
        listed = pd.concat([orgs, in_currency[in_currency["org"] == NO_ORG]])
        months = by_month[by_month["currency"] == currency]
        amount = lambda v, c=currency: f"{format_amount(v)} {c}"  # noqa: E731
        columns = {"total": f"total ({currency})", "exact": "exact", "mentions": "mentions"}
        parts.append(
            f'<h3>{esc(currency)}: totals by organisation (top {TOP_N})</h3>'
            + bar_chart_svg(orgs["org"].tolist(), orgs["total"].tolist(), amount, f"{currency} by organisation",
                            empty_text="No MONEY mention shares a sentence with an ORG mention.")
            + table_html(listed.assign(exact=listed["total"]), {"org": "organisation", **columns},
                         {"total": format_amount, "exact": lambda v: f"{v:,.2f}"})
            + f'<h3>{esc(currency)}: totals by month of publication</h3>'
            + column_chart_svg(months["month"].tolist(), months["total"].tolist(), format_amount,
                               f"{currency} by month")
            + table_html(months.assign(exact=months["total"]), {"month": "month", **columns},
                         {"total": format_amount, "exact": lambda v: f"{v:,.2f}"}))
    others = sorted(set(by_org["currency"]) - set(currencies_by_use(by_org, by_month)[:3]))
    if others:
        parts.append(f'<p class="note">Also mentioned, not charted: {esc(", ".join(others))}.</p>')
    parts.append("</section>")
    return "".join(parts)


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
        if not _missing(row.get("source")):
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
        date = "" if _missing(document.get("pub_date")) else _iso(document["pub_date"])
        title = document.get("title")
        heading = esc(title) if not _missing(title) and title else esc(document["source"])
        parts.append(
            f'<article class="doc" id="doc-{esc(document["doc_id"])}"><h3>{heading}</h3>'
            f'<p class="meta">{esc(document["source"])} · published {esc(date or "—")} · '
            f'{int(document["n_chars"]):,} characters · {len(mentions):,} mentions · doc_id '
            f'<code>{esc(document["doc_id"])}</code></p>'
            f'<details{" open" if index < OPEN_DOCUMENTS else ""}><summary>Text with entities</summary>'
            f'{document_markup(document, mentions)}</details></article>')
    parts.append("</section>")
    return "".join(parts)


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
                money_section(tables),
                documents_section(tables.documents, tables.entities, max_documents)]
    nav = "".join(f'<a href="#{anchor}">{name}</a>' for anchor, name in (
        ("summary", "Run summary"), ("labels", "Labels"), ("names", "Organisations and places"),
        ("money", "Money"), ("documents", "Documents")))
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
