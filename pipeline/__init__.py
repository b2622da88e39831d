"""Chinese newspaper pages in, clean entity tables out.

One folder per stage, in the order the data goes through them: ``read`` (input
files to text), ``layout`` (text to articles and sentences), ``extract``
(sentences to mentions with values) and ``tables`` (mentions to Parquet and
CSV); ``run`` runs them as a Prefect flow and ``look`` reports on the results.
"""

__version__ = "0.1.0"
