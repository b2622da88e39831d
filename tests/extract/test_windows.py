"""A long document extracted a window of sentences at a time (issue 23.9: memory flat on a page of tens of MB)."""
from datetime import date

import pytest

from pipeline.config import parse_config
from pipeline.extract.measures.stage import measure_documents
from pipeline.extract.stage import extract_documents
from pipeline.extract.windows import extract_in_windows, sentence_windows
from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_sentences
from pipeline.read.normalize import normalize_text
from pipeline.run.flow import Batch, extract_task, measures_task
from pipeline.tables.rows import batch_table
from pipeline.types import Document
from tests.conftest import SAMPLES

CONFIG = parse_config({"home": {"province": "山西省", "city": "阳泉市"}, "extract": {"window_chars": 2_000}})
# A measure's place can be the place its article names most, which a window counts in its own part.
NOT_PLACE = ["measure_id", "doc_id", "article_id", "sentence_id", "entity_id", "indicator", "indicator_start",
             "indicator_end", "kind", "direction", "basis", "target", "period", "period_start", "period_end"]


def laid_out(raw: str, source: str = "page.txt") -> Document:
    layout = repair_layout(normalize_text(raw))
    articles = find_articles(layout, "d")
    return Document("d", source, "txt", "utf_8", date(2025, 3, 12), None, layout.text, "x", articles,
                    split_sentences(layout, articles, "d"), regions=layout.regions)


@pytest.fixture(scope="module")
def report_text() -> str:
    return (SAMPLES / "2022_government_work_report.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def whole_and_windowed(report_text):
    whole = laid_out(report_text)
    extract_documents([whole], CONFIG)
    measure_documents([whole], CONFIG)
    windowed = laid_out(report_text)
    extract_in_windows(windowed, CONFIG)
    return whole, windowed


def test_windows_hold_every_sentence_once_in_text_order_and_close_at_the_size():
    document = laid_out("今年增长5%。" * 3_000)
    windows = sentence_windows(list(reversed(document.sentences)), 2_000)
    flat = [s for window in windows for s in window]
    assert flat == sorted(document.sentences, key=lambda s: s.start)
    assert len(windows) > 5 and all(2_000 <= sum(s.end - s.start for s in w) < 2_000 + 20 for w in windows[:-1])
    assert sentence_windows([], 2_000) == [[]]


def test_a_document_in_windows_has_the_rows_it_has_whole(whole_and_windowed):
    whole, windowed = whole_and_windowed
    assert windowed.sentences == windowed.mentions == windowed.measures == []  # let go of window by window
    for table in ("sentences", "entities"):
        assert batch_table(table, [windowed]).to_pylist() == batch_table(table, [whole]).to_pylist()
    measures = [batch_table("measures", [d]).select(NOT_PLACE).to_pylist() for d in (whole, windowed)]
    assert len(measures[0]) > 40 and measures[1] == measures[0]
    assert sum(m["period"] is not None for m in measures[0]) > 20  # periods governing across windows included
    assert windowed.n_mentions == len(whole.mentions) > 150
    spans = [(row["start"], row["end"]) for row in batch_table("entities", [windowed]).to_pylist()]
    assert len(set(spans)) == len(spans)  # no window reads a name into another window's part


def test_the_writer_stamps_a_windowed_documents_rows_with_its_run_and_date(whole_and_windowed):
    whole, windowed = whole_and_windowed
    moved = type(windowed)(**{**windowed.__dict__, "pub_date": date(2025, 4, 1)})
    entities = batch_table("entities", [whole, moved], run_id="r1")
    assert entities.num_rows == 2 * len(whole.mentions)
    assert set(entities.column("run_id").to_pylist()) == {"r1"}
    dates = entities.column("pub_date").to_pylist()
    assert set(dates[:len(whole.mentions)]) == {date(2025, 3, 12)} and set(dates[len(whole.mentions):]) == {
        date(2025, 4, 1)}


def test_the_stages_window_only_long_documents_and_a_failing_one_is_an_error_row(report_text, monkeypatch):
    import pipeline.run.flow as flow

    short = laid_out(report_text[:1_500], "short.txt")
    long_ok, long_bad = laid_out(report_text, "long.txt"), laid_out(report_text + "。", "bad.txt")
    real = flow.extract_in_windows

    def failing_on_bad(document, config, report=None):
        if document.source == "bad.txt":
            raise MemoryError("window")
        real(document, config, report)

    monkeypatch.setattr(flow, "extract_in_windows", failing_on_bad)
    batch = Batch(0, [])
    batch.documents = [short, long_bad, long_ok]
    batch = measures_task.fn(extract_task.fn(batch, CONFIG), CONFIG)
    assert [d.source for d in batch.documents] == ["short.txt", "long.txt"]
    assert [(e.source, e.stage, e.error_type) for e in batch.errors] == [("bad.txt", "extract", "MemoryError")]
    assert short.tables is None and short.mentions and short.measures  # whole, as ever
    assert long_ok.tables is not None and long_ok.n_mentions > 150


def test_windows_on_worker_processes_have_the_rows_of_the_flow_process(report_text, whole_and_windowed, monkeypatch):
    import pipeline.extract.workers as workers

    monkeypatch.setattr(workers, "MIN_CHARS_FOR_WORKERS", 0)
    monkeypatch.setattr(workers, "WORKER_CHUNK", 16)  # several pieces per window on each worker
    on_workers = laid_out(report_text)
    extract_in_windows(on_workers, CONFIG.model_copy(update={"extract": CONFIG.extract.model_copy(
        update={"processes": 2})}))
    workers.stop_workers()
    _whole, windowed = whole_and_windowed
    for table in ("sentences", "entities", "measures"):
        assert batch_table(table, [on_workers]).to_pylist() == batch_table(table, [windowed]).to_pylist()
