"""Tables: a batch's documents with their mentions in, the contract tables on disk out.

In: :class:`pipeline.types.Document` records (articles, sentences, mentions),
:class:`pipeline.types.Repeat` and :class:`pipeline.types.ErrorRow` rows and a
run's counts.  Out: the eight tables (documents, repeats, articles, sentences, measures,
entities, runs, errors) as Parquet parts under ``DIR/<table>/`` and, on
request, ``DIR/csv/<table>.csv``.

- ``schemas``: the tables' columns and schema version;
- ``rows``: records as table rows (mentions placed in their article and sentence);
- ``folder``: the output folder, written atomically, batch by batch.
"""
