import io
import logging

from rich.console import Console

from pipeline.run.progress import RunProgress


def test_plain_log_lines_when_not_on_a_terminal(caplog):
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    progress = RunProgress(n_files=3, n_batches=2, use_bar=False)
    progress.batch_written(2, 10_000, 50)
    progress.batch_written(1, 5_000, 20)
    progress.close()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("batch 1/2 written: 2/3 inputs") and "chars/s" in lines[0] and "entities/s" in lines[0]
    assert lines[1].startswith("batch 2/2 written: 3/3 inputs")


def test_the_bar_tracks_files():
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=160, color_system=None)
    progress = RunProgress(n_files=4, n_batches=2, use_bar=True, console=console)
    assert progress.showing_bar
    progress.batch_written(3, 100, 1)
    progress.batch_written(1, 50, 2)
    progress.close()
    assert not progress.showing_bar
    final = screen.getvalue().rsplit("\r", 1)[-1]  # the last frame the bar drew
    assert "extracting" in final and "4/4 inputs" in final
    assert "files/s" in final and "chars/s" in final and "entities/s" in final
    assert (progress.files, progress.chars, progress.entities, progress.batches) == (4, 150, 3, 2)


def test_the_bar_replaces_the_log_lines(caplog):
    caplog.set_level(logging.INFO, logger="pipeline.progress")
    progress = RunProgress(n_files=1, n_batches=1, use_bar=True, console=Console(file=io.StringIO()))
    progress.batch_written(1, 10, 0)
    progress.close()
    assert not [r for r in caplog.records if r.name == "pipeline.progress"]
