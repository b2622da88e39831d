"""Layout: a page's normalized text in, its articles and sentences out.

In: a document's normalized text.  Out: the :class:`pipeline.layout.repair.Layout`
(the text in reading order, cuts rejoined, with regions for headings, markers,
bylines, credits and the people they name), its :class:`pipeline.types.Article`
rows and its :class:`pipeline.types.Sentence` rows.

- ``paragraphs``: what each paragraph of the page is;
- ``cuts``: each cut paragraph paired with its continuation, and the reading order;
- ``repair``: the repaired text and its regions;
- ``articles``: the repaired page cut into articles;
- ``sentences``: sentence boundaries inside each article's running text.
"""
