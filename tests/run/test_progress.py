import io
import logging

from rich.console import Console

from pipeline.run.progress import RunProgress, active


def test_plain_log_lines_when_not_on_a_terminal(caplog):
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    progress = RunProgress(n_files=3, n_batches=2, use_bar=False)
    progress.batch_written(2, 10_000, 50)
    progress.batch_written(1, 5_000, 20)
    progress.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("batch 1/2 written: 2/3 inputs") and "chars/s" in lines[0] and "entities/s" in lines[0]
    assert lines[1].startswith("batch 2/2 written: 3/3 inputs")


def test_the_bar_moves_by_document_as_the_stages_report():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=200, color_system=None)
    progress = RunProgress(n_files=4, n_batches=2, use_bar=True, console=console).activate()
    assert progress.showing_bar and active() is progress
    progress.inputs_read(0, 3, 5)
    progress.inputs_read(0, 3, 5)  # a retried ingest counts once
    progress.documents_extracted(2)
    assert (progress.documents_done, progress.documents_found, progress.files_read) == (2, 5, 3)
    progress.inputs_read(1, 1, 2)
    progress.documents_extracted(9)  # never past what was read
    assert progress.documents_done == 7
    progress.batch_extracted(0, 4)  # one document refused on the way
    progress.batch_written(3, 100, 1)
    progress.batch_extracted(1, 2)
    progress.batch_written(1, 50, 2)
    progress.close()
    assert not progress.showing_bar and active() is None
    final = screen.getvalue().rsplit("\r", 1)[-1]  # the last frame the bar drew
    assert "extracting" in final and "6/6 documents" in final and "4/4 inputs read" in final
    assert "files/s" in final and "chars/s" in final and "entities/s" in final
    assert (progress.files, progress.chars, progress.entities, progress.batches) == (4, 150, 3, 2)


def test_batches_that_ran_elsewhere_move_the_bar_when_written():
    progress = RunProgress(n_files=2, n_batches=2, use_bar=True, console=Console(file=io.StringIO()))
    progress.batch_extracted(0, 3)  # on Dask the stages report nothing to this process
    assert (progress.documents_done, progress.documents_found) == (3, 3)
    progress.close()


def test_the_extract_stage_reports_each_document_once_its_segments_are_through(monkeypatch):
    import pipeline.extract.workers as workers
    from pipeline.config import parse_config
    from pipeline.run.direct import process_text
    from pipeline.extract.stage import extract_documents

    config = parse_config({"extract": {"components": ["numeric"], "processes": 1}})
    documents = [process_text(text, config) for text in (
        "市民政局发放津贴100万元。惠及3.2万人。", "会议召开。成效明显。资金到位。", "全年增长5%。")]
    monkeypatch.setattr(workers, "PIPE_BATCH", 2)  # a report every two segments
    reports: list[int] = []
    extract_documents(documents, config, reports.append)
    assert sum(reports) == 3 and len(reports) >= 2  # as they came, not all at the end
    assert all(document.mentions is not None for document in documents)


def test_the_bar_replaces_the_log_lines(caplog):
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    progress = RunProgress(n_files=1, n_batches=1, use_bar=True, console=Console(file=io.StringIO()))
    progress.batch_written(1, 10, 0)
    progress.close()
    assert not [r for r in caplog.records if r.name == "pipeline.progress"]
