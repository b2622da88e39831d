"""Organisations, people and places: a sentence's text in, ORG, PERSON, GPE and
LOC mentions out, each with its ``norm`` (folded, the home place resolved).

Two spaCy components, both appending :class:`pipeline.types.Mention` objects
with character offsets into ``doc.text`` (see pipeline/extract/nlp.py):

* ``zh_name_rules`` (``rules``, source ``rules``): patterns built from the
  tables in configs/names/ - local government bodies (level prefix + unit +
  sub-units), numbered work units of a mine (三矿一号井采煤队), administrative
  chains (平定县冠山镇杨家沟社区), 我市/我国, bylines and photo credits.
  Statistics trained on national news miss exactly these.
* ``zh_statistical_names`` (``ner``, source ``ner``): the character BiLSTM-CRF
  with lexicon features trained by ``python -m training`` and packaged in
  ``<models_dir>/names``.  It learns one PLACE label; GPE vs LOC comes from
  configs/names/places.yaml.  Its output is cleaned with the same tables.

The model component runs after the rules and reconciles with them so that,
between the two, no spans overlap: the longer span wins and the rules win ties
(they encode local conventions the corpora do not know, e.g. 市委常委 -> ORG 市委).

- ``tables``: configs/names/ read and compiled (every pattern below);
- ``spans``: a span as a mention (its norm), word boundaries, overlaps;
- ``orgs``, ``places``, ``people``: the rules of each kind of name;
- ``rules``: the rules' component, reading the tables of each page's home place (``doc._.home``);
- ``homes``: a home place checked against the division table;
- ``features``, ``model``: the name model (numpy inference);
- ``cleanup``: the model's entities cleaned with the tables;
- ``statistical``: the model's component.
"""
