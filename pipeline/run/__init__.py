"""Running: inputs, an output folder and a config in, a run of every stage out.

In: the ``pipeline run`` (or ``serve``) arguments.  Out: the tables written by
batch (pipeline/tables/), a :class:`pipeline.run.flow.RunSummary`, Prefect
artifacts and a progress bar or log lines.

- ``flow``: the Prefect flow, one task run per stage per batch;
- ``runner``: where the batch tasks run (in process or on Dask);
- ``serve``: scheduled runs served to a Prefect server;
- ``prefect_env``: Prefect's settings, applied before Prefect loads;
- ``progress``: the progress bar, or a log line per batch.
"""
