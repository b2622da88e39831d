"""Tables: a batch's documents with their mentions in, the contract tables on disk out.

In: :class:`pipeline.types.Document` records (articles, sentences, mentions),
:class:`pipeline.types.Repeat` and :class:`pipeline.types.ErrorRow` rows and a
run's counts.  Out: the eight tables (documents, repeats, articles, sentences, measures,
entities, runs, errors, superseded) as Parquet parts under ``DIR/<table>/`` (the
document tables in month folders) and as CSV under ``DIR/csv/`` (``layout``).

- ``schemas``: the tables' columns and schema version;
- ``layout``: where each table's Parquet parts and CSV files lie (document tables by publication month);
- ``rows``: records as table rows (mentions placed in their article and sentence);
- ``claim``: which --out a run may write to (absent, empty or a pipeline output) and its lock;
- ``manifest``: the committed parts with their sizes and checksums, the commit point of a batch;
- ``folder``: the output folder, written atomically, batch by batch;
- ``repair``: ``pipeline repair OUT``, which drops the batches whose parts are damaged.
"""
