import logging

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
    progress = RunProgress(n_files=4, n_batches=2, use_bar=True)
    progress.batch_written(4, 100, 1)
    assert progress._bar is not None and progress._bar.tasks[0].completed == 4
    progress.close()
    assert progress._bar is None
