"""Extraction: a batch's documents with their sentences in, their mentions out.

In: :class:`pipeline.types.Document` records with their articles, sentences and
layout regions.  Out: the same documents with ``mentions`` filled, each a
:class:`pipeline.types.Mention` with exact character offsets into the text and
its resolved value (a number, a date, a canonical name).

- ``stage``: the extract stage over a batch (overlaps settled, offsets shifted);
- ``workers``: where the spaCy components run, here or on worker processes;
- ``nlp``, ``segment``: the spaCy pipeline the components are assembled into;
- ``numerals``: Chinese and Arabic numerals read to exact values;
- ``consistency``: the names an article agrees on correct the model where it strayed (label, cut names).
"""
