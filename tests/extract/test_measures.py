"""The measures stage on sentences in the styles it meets (a statistics bulletin, a
budget report, local news), and its accuracy floors on the gold files.

The sentences here are this file's own; tests/gold/measures_heldout.jsonl is
held out (scored, never tuned on); the three measures_passages_dev*.jsonl files
and the two sample documents' gold files are what the cue tables were tuned on.
"""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.config import parse_config
from pipeline.look.evaluate_measures import (MeasureScores, document_predictions, evaluate_passages,
                                             load_measure_gold, score)
from pipeline.run.direct import process_text
from tests.conftest import ROOT, SAMPLES

CONFIG = parse_config({"home": {"province": "河南省", "city": "洛阳市"},
                       "extract": {"components": ["numeric", "rules"]}})
GOLD = ROOT / "tests" / "gold"


def measures(text: str, pub: date = date(2024, 9, 20), config=CONFIG) -> dict[str, object]:
    document = process_text(text, config, pub)
    for m in document.measures:
        if m.indicator_start is not None:
            assert document.text[m.indicator_start:m.indicator_end] == m.indicator
    return {m.number.text: m for m in document.measures}


def test_a_subject_carries_across_clauses_with_its_level_and_changes():
    found = measures("全市社会消费品零售总额达到820亿元，比上年增加41亿元，增长5.3%。")
    assert [(m.indicator, m.kind, m.direction, m.basis) for m in found.values()] == [
        ("社会消费品零售总额", "level", None, None),
        ("社会消费品零售总额", "change", "up", "yoy"),
        ("社会消费品零售总额", "change", "up", "yoy")]
    assert {m.place for m in found.values()} == {"洛阳市"}


def test_fenbie_distributes_a_coordinated_indicator_over_its_numbers():
    found = measures("今年以来，钢材产销量分别达1.2亿吨和1.1亿吨，同比分别增长3.2%和2.7%。")
    assert [(m.indicator, m.indicator_start, m.kind) for m in found.values()] == [
        ("钢材产量", None, "level"), ("钢材销量", None, "level"), ("钢材产量", None, "change"),
        ("钢材销量", None, "change")]
    assert found["2.7%"].basis == "yoy" and found["2.7%"].direction == "up"
    assert (found["1.2亿吨"].period_start, found["1.2亿吨"].period_end) == (date(2024, 1, 1), date(2024, 9, 20))


def test_a_period_at_the_head_of_the_sentence_governs_its_figures():
    found = measures("前三季度，全市规模以上工业增加值同比增长5.2%，其中，制造业增长6.1%。")
    growth, part = found["5.2%"], found["6.1%"]
    assert (growth.indicator, growth.kind, growth.direction, growth.basis) == ("规模以上工业增加值", "change", "up", "yoy")
    assert (growth.period_start, growth.period_end) == (date(2024, 1, 1), date(2024, 9, 30))
    assert part.indicator == "制造业" and part.basis == "yoy"  # a breakdown keeps its whole's base
    assert not growth.target and growth.place == "洛阳市"


def test_falls_and_points_are_changes_down():
    found = measures("前8月，全市居民消费价格同比下降0.3%，降幅比上月收窄0.2个百分点。")
    assert (found["0.3%"].kind, found["0.3%"].direction) == ("change", "down")
    assert (found["0.2个百分点"].kind, found["0.2个百分点"].direction) == ("change", "down")
    assert found["0.2个百分点"].indicator == "居民消费价格降幅"


def test_targets_are_told_from_outcomes():
    found = measures("今年发展主要预期目标是：地区生产总值增长6%左右；城镇调查失业率控制在5.5%以内。"
                     "去年全市一般公共预算收入完成310亿元。赤字率拟按3%左右安排。", pub=date(2024, 1, 20))
    assert found["6%左右"].target and found["5.5%以内"].target and found["3%左右"].target
    assert (found["6%左右"].kind, found["5.5%以内"].kind) == ("change", "level")
    assert found["5.5%以内"].indicator == "城镇调查失业率"
    assert not found["310亿元"].target
    assert (found["310亿元"].period, found["310亿元"].indicator) == ("2023", "一般公共预算收入")
    assert found["6%左右"].period == "2024"


def test_counts_name_what_they_count():
    found = measures("目前，全市共建成养老机构45个，惠及200多万名农民工，300多万户家庭受益。")
    assert found["45个"].indicator == "养老机构"
    assert found["200多万名"].indicator == "农民工"
    assert found["300多万户"].indicator == "家庭"
    assert found["45个"].period is None  # 目前: now, not a calendar period


def test_shares_keep_their_base_and_money_given_names_its_object():
    found = measures("税收收入1689.7亿元，占一般公共预算收入的82.2%。2024年，我市为80周岁及以上高龄老人发放"
                     "普惠性津贴3135.7万元。")
    assert found["82.2%"].indicator == "税收收入占一般公共预算收入"
    assert found["3135.7万元"].indicator == "普惠性津贴" and found["3135.7万元"].period == "2024"
    assert "80周岁及以上" not in found  # an age bracket measures nothing


@pytest.mark.parametrize("text", ["他在矿上经历三年磨炼。", "庆祝建党一百周年。", "实施三年行动。", "坚持“两个毫不动摇”。",
                                  "那年她20岁。"])
def test_numbers_that_measure_nothing_get_no_row(text):
    assert measures(text) == {}


def test_a_sentence_printed_twice_is_measured_once():
    passage = "全市新增就业岗位1.2万个，比上年增加2000个。"
    document = process_text(f"{passage}\n\n其他消息。\n\n{passage}", CONFIG, date(2024, 9, 20))
    assert [s.duplicate_of is not None for s in document.sentences].count(True) == 1
    assert len(document.measures) == 2


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("全市增长下降同比分别和达到亿元万个人%，。：0123456789年月前其中占的")),
               max_size=80))
def test_arbitrary_text_never_raises_and_offsets_are_exact(text):
    document = process_text(text or "。", CONFIG, date(2024, 9, 20))
    for m in document.measures:
        assert m.kind in ("level", "change")
        if m.indicator_start is not None:
            assert document.text[m.indicator_start:m.indicator_end] == m.indicator


# --- accuracy floors on the gold files (measured 2026-12-04; floors a little below) -------------
# tuned on: report + page, 81 rows: indicator 0.914, kind+direction 0.938, target 0.914, period 0.926
# (five of the misses are numbers entities does not hold); passages dev (80 rows): 0.975 / 1.000 /
# 1.000 / 0.988; dev2 (196): 0.964 / 0.990 / 1.000 / 0.969; dev3 (237): 0.920 / 0.983 / 0.987 / 0.979.
# held out (never tuned on), 81 rows: indicator 0.901, kind+direction 0.988, target 1.000, period 0.926.
SAMPLE_DOCUMENTS = [("2022_government_work_report.txt", date(2022, 3, 5), "measures_report.gold.jsonl"),
                    ("000_e0aca1a44daf8f47.txt", date(2025, 3, 12), "measures_sample_page.gold.jsonl")]
FLOORS = {
    "samples": {"indicator": 0.88, "kind_direction": 0.92, "target": 0.90, "period": 0.91, "no_row": 0.85},
    "measures_passages_dev.jsonl": {"indicator": 0.95, "kind_direction": 0.98, "target": 0.98, "period": 0.97,
                                    "no_row": 1.0},
    "measures_passages_dev2.jsonl": {"indicator": 0.94, "kind_direction": 0.97, "target": 0.98, "period": 0.95,
                                     "no_row": 1.0},
    "measures_passages_dev3.jsonl": {"indicator": 0.89, "kind_direction": 0.97, "target": 0.97, "period": 0.96,
                                     "no_row": 1.0},
    "measures_heldout.jsonl": {"indicator": 0.88, "kind_direction": 0.97, "target": 0.98, "period": 0.91,
                               "no_row": 1.0},
}


def _check(scores: MeasureScores, floors: dict[str, float]) -> None:
    achieved = {"indicator": scores.share("indicator"), "kind_direction": scores.kind_and_direction,
                "target": scores.share("target"), "period": scores.share("period"), "no_row": scores.no_row}
    assert all(achieved[k] >= v for k, v in floors.items()), achieved


def test_the_sample_documents_score_above_their_floors():
    config = parse_config({"home": {"province": "山西省", "city": "阳泉市"}})
    scores = MeasureScores()
    for name, pub, gold in SAMPLE_DOCUMENTS:
        document = process_text((SAMPLES / name).read_text(encoding="utf-8"), config, pub, source=name)
        score(load_measure_gold(GOLD / gold), document_predictions(document), scores, name)
    _check(scores, FLOORS["samples"])


@pytest.mark.parametrize("gold", [name for name in FLOORS if name.endswith(".jsonl")])
def test_the_passages_score_above_their_floors(gold):
    _check(evaluate_passages(GOLD / gold), FLOORS[gold])
