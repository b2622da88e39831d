"""Dates: a sentence's text and its document's pub_date in, DATE mentions out.

Each :class:`pipeline.types.Mention` carries ``date_value`` (ISO-like, ``XXXX``
for what is not written and cannot be resolved), ``date_start``/``date_end``
and ``grain``.  The numeric component (pipeline/extract/numeric/) runs
:func:`pipeline.extract.dates.mentions.find_dates` beside its amounts.

- ``patterns``: the date pattern, compiled from configs/dates.yaml;
- ``reading``: one match read as a year/month/day or a period;
- ``periods``: calendar periods and the arithmetic that builds them;
- ``lunar``, ``forms``: festivals, lunar dates and era years, through tables;
- ``mentions``: all of it put together, ranges joined (``find_dates``).
"""
