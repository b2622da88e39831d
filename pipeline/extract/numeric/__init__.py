"""Amounts and dates: a sentence's text and its document's pub_date in, MONEY,
PERCENT, QUANTITY and DATE mentions out, each with its exact value.

Values are Decimal until the table's float64 column; dates come from
pipeline/extract/dates/.  The spaCy component ``zh_numeric_entities``
(``numeric`` in ``extract.components``) is registered in ``mentions``.

- ``patterns``: the amount pattern, compiled from the tables in configs/;
- ``matches``: one match read as an amount (single amounts, ranges, quantities);
- ``money``, ``percent``: what makes an amount MONEY or PERCENT;
- ``amount``: the amount being read and what every kind shares;
- ``mentions``: every reading of a text, the longest kept (``extract_numeric``).
"""
