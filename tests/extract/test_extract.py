from datetime import date

from hypothesis import given, settings, strategies as st

from pipeline.config import Home, parse_config
from pipeline.extract.nlp import get_mentions
from pipeline.extract.stage import extract_documents, resolve_overlaps
from pipeline.extract.workers import nlp_for
from pipeline.layout.articles import find_articles
from pipeline.layout.repair import repair_layout
from pipeline.layout.sentences import split_sentences
from pipeline.read.normalize import normalize_text
from pipeline.tables.rows import entity_rows
from pipeline.types import Document, Mention

CONFIG = parse_config({"home": {"province": "山西省", "city": "阳泉市"}})


def process(raw: str, pub_date=date(2025, 3, 12), config=CONFIG) -> Document:
    layout = repair_layout(normalize_text(raw))
    articles = find_articles(layout, "d")
    document = Document("d", "s", "txt", "utf_8", pub_date, None, layout.text, "x", articles,
                        split_sentences(layout, articles, "d"), regions=layout.regions)
    extract_documents([document], config)
    return document


def test_the_longer_span_wins_and_ties_go_to_the_earlier():
    mentions = [Mention("GPE", 0, 2, "我市", "rules"), Mention("ORG", 0, 5, "我市民政局", "rules"),
                Mention("DATE", 4, 8, "局xxx", "numeric"), Mention("MONEY", 6, 10, "xxxx", "numeric")]
    assert [(m.start, m.end) for m in resolve_overlaps(mentions)] == [(0, 5), (6, 10)]


def test_mentions_sit_in_their_sentences_with_exact_offsets():
    document = process("## 我市召开会议\n\n2024年，市民政局下达老年助餐补助资金2340.8万元。增长12.5%。")
    assert document.mentions
    in_heading = []
    for row in entity_rows(document):
        assert document.text[row.mention.start:row.mention.end] == row.mention.text
        if row.sentence_id is None:  # a heading is no sentence (its figure is not counted twice)
            in_heading.append(row.mention.text)
            continue
        sentence = next(s for s in document.sentences if s.sentence_id == row.sentence_id)
        assert sentence.start <= row.mention.start < row.mention.end <= sentence.end
    assert in_heading == ["我市"]
    assert {"DATE", "MONEY", "PERCENT"} <= {m.label for m in document.mentions}


def test_a_half_million_character_line_without_punctuation():
    line = ("我市召开会议提升社会治理效能市民政局下达资金2340万元" * 20_000)[:500_000]
    # The rule components on all of it; the statistical model on a fifth.  How pages of
    # millions of characters go (time, memory) is bench/memory.py's --one-page.
    document = process(line, config=parse_config({"extract": {"components": ["numeric", "rules"]}}))
    assert len(document.sentences) >= 500 and max(s.end - s.start for s in document.sentences) <= 1_000
    money = [m for m in document.mentions if m.label == "MONEY"]
    assert len(money) >= line.count("2340万元") - len(document.sentences)  # at most one cut by each sentence end
    assert all(document.text[m.start:m.end] == m.text for m in document.mentions)
    fifth = process(line[:100_000])
    assert fifth.mentions and all(fifth.text[m.start:m.end] == m.text for m in fifth.mentions)


def test_text_in_other_languages_is_processed():
    text = "The State Council met on March 5. Прогресс. 東京都は3月11日に会議を開いた。"
    document = process(text)
    # ". " between Latin words ends no sentence (only 。！？… and !? beside Chinese do)
    assert [(s.start, s.end, s.text) for s in document.sentences] == [(0, len(text), text)]
    assert all(document.text[m.start:m.end] == m.text for m in document.mentions)
    dates = [(m.text, m.date_value, m.date_start, m.date_end, m.grain) for m in document.mentions if m.label == "DATE"]
    assert dates == [("3月11日", "2025-03-11", date(2025, 3, 11), date(2025, 3, 11), "day")]
    # English and Russian are outside the contract: nothing is read in them (not "March 5")
    assert all(m.start >= text.index("東") for m in document.mentions)


_ALPHABET = list("我市召开会议民政局阳泉县委组织部万亿千百十一二三四五六七八九零两元年月日号%％.,，。、-—至到约多余以上") + list("0123456789")


@settings(max_examples=120, deadline=None)
@given(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=80), st.one_of(st.none(), st.dates()))
def test_every_component_keeps_offsets_exact_and_never_raises(text, pub_date):
    nlp = nlp_for(CONFIG)
    doc = nlp.make_doc(text)
    doc._.pub_date = pub_date
    for mention in resolve_overlaps(get_mentions(nlp(doc))):
        assert text[mention.start:mention.end] == mention.text


def test_names_in_bylines_and_photo_credits_are_people_outside_any_sentence(sample_text):
    document = process(sample_text)
    people = {m.text for m in document.mentions if m.label == "PERSON" and m.source == "layout"}
    assert {"刘阳", "王馨昱", "晋向阳", "薄红贞"} <= people
    rows = {row.mention.text: row for row in entity_rows(document) if row.mention.source == "layout"}
    assert rows["刘阳"].sentence_id is None and rows["刘阳"].article_id is not None


def test_worker_processes_find_the_same_mentions_as_the_flow_process(monkeypatch, sample_text):
    import pipeline.extract.workers as workers

    config = parse_config({"home": {"province": "山西省", "city": "阳泉市"}, "extract": {"processes": 2}})
    luoyang = Home(province="河南省", city="洛阳市")  # every other segment from another paper: its home is pickled
    segments = [(line, date(2025, 3, 12), luoyang if i % 2 else None)
                for i, line in enumerate(line for line in sample_text.splitlines() if line.strip())]
    in_process = workers.mentions_in(nlp_for(config), segments)
    monkeypatch.setattr(workers, "MIN_CHARS_FOR_WORKERS", 0)
    monkeypatch.setattr(workers, "WORKER_CHUNK", 7)  # several pieces per worker, returned in order
    try:
        on_workers = workers.segment_mentions(config, segments)
        assert workers._pools, "the batch did not go to worker processes"
    finally:
        workers.stop_workers()
    assert not workers._pools
    assert on_workers == in_process
    assert sum(map(len, on_workers)) > 100
    norms = {m.norm for mentions in on_workers for m in mentions if m.text == "我市"}
    assert norms == {"阳泉市", "洛阳市"}


def test_worker_processes_only_for_the_local_runner():
    from pipeline.extract.workers import worker_count

    assert worker_count(parse_config({"extract": {"processes": 3}})) == 3
    assert worker_count(parse_config({"runner": {"kind": "dask"}, "extract": {"processes": 3}})) == 1
    assert worker_count(parse_config({})) >= 1


def test_a_batch_whose_worker_dies_runs_in_the_flow_process(monkeypatch):
    import pipeline.extract.workers as workers

    config = parse_config({"extract": {"components": ["numeric"], "processes": 2}})
    segments = [("2024年增长12.5%。", None, None)] * 40
    monkeypatch.setattr(workers, "MIN_CHARS_FOR_WORKERS", 0)
    monkeypatch.setattr(workers, "_worker_mentions", _die)  # pickled by name: the workers run it too
    try:
        assert workers.segment_mentions(config, segments) == workers.mentions_in(nlp_for(config), segments)
    finally:
        workers.stop_workers()


def _die(config_json, segments):
    """A worker killed mid-batch (as the out-of-memory killer would)."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
