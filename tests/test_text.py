from hypothesis import given
from hypothesis import strategies as st

from pipeline.text import Coverage, Span, bracket_pairs, pairs_opened_by, resolve_overlaps
from pipeline.types import Mention


def test_the_longer_span_wins_whatever_comes_first():
    assert resolve_overlaps([Span(0, 4, "GPE"), Span(0, 6, "ORG"), Span(5, 8, "DATE")]) == [Span(0, 6, "ORG")]


def test_of_one_length_the_callers_preference_then_the_earlier_start_wins():
    rules, model = Mention("ORG", 2, 6, "民政局长", "rules"), Mention("PERSON", 0, 4, "张三民政", "ner")
    assert resolve_overlaps([model, rules], preference=lambda m: m.source != "rules") == [rules]
    assert resolve_overlaps([rules, model]) == [model]


def test_a_tie_over_the_same_characters_goes_to_the_label_alphabetically_not_to_the_order_given():
    tied = [Span(0, 4, "PERSON"), Span(0, 4, "ORG"), Span(0, 4, "LOC")]
    assert resolve_overlaps(tied) == resolve_overlaps(reversed(tied)) == [Span(0, 4, "LOC")]


def test_empty_spans_are_never_taken_and_the_result_is_in_text_order():
    assert resolve_overlaps([Span(3, 3), Span(5, 7), Span(0, 2)]) == [Span(0, 2), Span(5, 7)]


@st.composite
def _spans(draw):
    return [Span(start, start + draw(st.integers(0, 6)), draw(st.sampled_from("ABC")))
            for start in draw(st.lists(st.integers(0, 40), max_size=30))]


@given(_spans())
def test_the_result_is_the_naive_greedy_choice_without_overlaps(spans):
    chosen = resolve_overlaps(spans)
    naive = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start, s.label)):
        if span.end > span.start and all(span.end <= k.start or span.start >= k.end for k in naive):
            naive.append(span)
    assert chosen == sorted(naive)
    assert all(a.end <= b.start for a, b in zip(chosen, chosen[1:]))


def test_coverage_tells_free_places_from_taken_ones():
    taken = Coverage([Span(10, 20), Span(0, 5)])
    assert taken.is_free(5, 10) and taken.is_free(20, 30)
    assert not taken.is_free(4, 6) and not taken.is_free(12, 13) and not taken.is_free(19, 25)
    taken.add(5, 10)
    assert not taken.is_free(6, 7)


def test_one_bracket_table_serves_every_user():
    pairs = bracket_pairs()
    assert pairs["“"] == "”" and pairs["（"] == "）" and pairs["〔"] == "〕"
    assert pairs_opened_by(["《", "("]) == {"《": "》", "(": ")"}
    assert len(set(pairs.values())) == len(pairs)  # every opener has its own closer
