"""Looking at the results: tables in, what a person reads out.

In: a run's mentions as it goes (for Prefect artifacts), or an output folder's
tables afterwards.  Out: the run's artifacts (mentions per label, top
organisations, money by organisation), ``pipeline report``'s HTML page, and
``pipeline eval``'s scores against a gold file.

- ``summary``: the run's totals and its Prefect artifacts;
- ``report``, ``report_figures``, ``report_sections``: the HTML report;
- ``evaluate``: precision, recall and value accuracy against a gold file.
"""
