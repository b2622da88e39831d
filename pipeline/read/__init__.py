"""Reading: input paths in, documents' text out.

In: the files and folders given on the command line (.txt, .md, .html, .jsonl,
in any encoding a Chinese newsroom produces).  Out: one
:class:`pipeline.types.RawDocument` per document (its text decoded, its
pub_date and title found), one :class:`pipeline.types.ErrorRow` per input
refused, and the normalized text every later offset refers to.

- ``inputs``: which files there are, in a stable order (large JSONL feeds cut into chunks);
- ``encodings``: bytes to text, the encoding detected from the bytes;
- ``formats``: one file's documents, by format;
- ``metadata``: pub_date and title from a sidecar file or the path;
- ``normalize``: the text every offset refers to.
"""
