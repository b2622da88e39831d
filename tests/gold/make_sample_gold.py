"""How tests/gold/sample_page.gold.jsonl was written (kept for its provenance).

The JSONL file is the authority; this script only turned a hand-made list of
mentions, in reading order, into rows with offsets.  Every row was then read by
eye against the text.  Offsets are into ``documents.text`` of the sample page
(normalized and layout-repaired), which is passed as the first argument::

    python tests/gold/make_sample_gold.py /tmp/page.txt > tests/gold/sample_page.gold.jsonl
"""
from __future__ import annotations

import calendar
import json
import sys
from typing import Any, Optional

SOURCE = "000_e0aca1a44daf8f47.txt"
CITY, PROVINCE = "阳泉市", "山西省"


def year(y: int) -> dict[str, Any]:
    return {"date_value": f"{y}", "date_start": f"{y}-01-01", "date_end": f"{y}-12-31", "grain": "year"}


def month(y: int, m: int) -> dict[str, Any]:
    last = calendar.monthrange(y, m)[1]
    return {"date_value": f"{y}-{m:02d}", "date_start": f"{y}-{m:02d}-01", "date_end": f"{y}-{m:02d}-{last:02d}",
            "grain": "month"}


def day(y: int, m: int, d: int) -> dict[str, Any]:
    iso = f"{y}-{m:02d}-{d:02d}"
    return {"date_value": iso, "date_start": iso, "date_end": iso, "grain": "day"}


def qty(value: float, unit: str, qualifier: Optional[str] = None) -> dict[str, Any]:
    return {"value": value, "value_max": None, "unit": unit, "qualifier": qualifier}


def cny(value: float, qualifier: Optional[str] = None) -> dict[str, Any]:
    return {"value": value, "value_max": None, "currency": "CNY", "qualifier": qualifier}


def name(norm: str) -> dict[str, Any]:
    return {"norm": norm}


HOME = name(CITY)
OPT = {"optional": True}

# (label, text, values) in reading order; each is searched forward from the
# end of the previous one, so every occurrence must be listed.
MENTIONS: list[tuple[str, str, dict[str, Any]]] = [
    # 政府工作报告 (continued from page 2)
    ("LOC", "西部", {**name("西部"), **OPT}),          # inside the programme name 西部大开发
    ("LOC", "东北", {**name("东北"), **OPT}),          # inside 东北全面振兴
    ("LOC", "中部地区", name("中部地区")),
    ("LOC", "东部地区", name("东部地区")),
    ("LOC", "京津冀", name("京津冀")),
    ("LOC", "长三角", name("长三角")),
    ("LOC", "粤港澳大湾区", name("粤港澳大湾区")),
    ("LOC", "长江经济带", name("长江经济带")),
    ("LOC", "黄河流域", name("黄河流域")),
    ("LOC", "雄安新区", {**name("雄安新区"), **OPT}),   # a state-level new area: LOC or GPE
    ("LOC", "成渝地区双城经济圈", {**name("成渝地区双城经济圈"), **OPT}),
    ("LOC", "东北地区", {**name("东北地区"), **OPT}),  # last of 东、中、西、东北地区
    ("LOC", "长江", name("长江")),
    ("QUANTITY", "十年", qty(10, "年")),
    ("GPE", "中国", {**name("中国"), **OPT}),          # in the slogan 美丽中国
    ("MONEY", "20元", cny(20)),
    ("QUANTITY", "三年", qty(3, "年")),
    ("GPE", "西藏定日县", name("西藏自治区定日县")),  # norm: the full standard name (docs/entities.md)
    # 我市召开2024年度人才工作述职会
    ("GPE", "我市", HOME),
    ("DATE", "2024年度", year(2024)),
    ("DATE", "3月11日", day(2025, 3, 11)),
    ("GPE", "我市", HOME),
    ("DATE", "2024年度", year(2024)),
    ("DATE", "2024年度", year(2024)),
    ("DATE", "2025年度", year(2025)),
    ("ORG", "市委", name("阳泉市委")),
    ("ORG", "组织部", name("组织部")),
    ("ORG", "市委人才工作领导小组", name("阳泉市委人才工作领导小组")),
    ("PERSON", "李游", name("李游")),
    ("DATE", "过去的一年", year(2024)),
    ("ORG", "市委", name("阳泉市委")),
    ("GPE", "全市", {**HOME, **OPT}),
    ("DATE", "2025年", year(2025)),
    ("ORG", "市委人才办", name("阳泉市委人才办")),
    ("GPE", "全市", {**HOME, **OPT}),
    ("GPE", "我市", HOME),
    ("GPE", "全市", {**HOME, **OPT}),
    ("ORG", "市教育局", name("阳泉市教育局")),
    ("ORG", "市财政局", name("阳泉市财政局")),
    ("ORG", "市总工会", name("阳泉市总工会")),
    ("ORG", "盂县县委组织部", name("盂县县委组织部")),
    ("PERSON", "刘阳", name("刘阳")),
    ("PERSON", "王馨昱", name("王馨昱")),
    # photo: 全民健身
    ("DATE", "3月11日", day(2025, 3, 11)),
    ("LOC", "城市中心公园", {**name("城市中心公园"), **OPT}),  # a park's name or a description
    ("PERSON", "晋向阳", name("晋向阳")),            # photo credit
    # 新中国首位女采煤队队长——苏景云
    ("GPE", "新中国", {**name("新中国"), **OPT}),
    ("PERSON", "苏景云", name("苏景云")),
    ("QUANTITY", "百年", {**qty(100, "年"), **OPT}),  # column label 百年党史
    ("PERSON", "苏景云", name("苏景云")),
    ("DATE", "1935年", year(1935)),
    ("GPE", "辽宁省黑山县", name("辽宁省黑山县")),
    ("ORG", "中共", {**name("中共"), **OPT}),          # 中共党员
    ("ORG", "阳泉矿务局矿长办公室", name("阳泉矿务局矿长办公室")),
    ("PERSON", "苏景云", name("苏景云")),
    ("QUANTITY", "5个", qty(5, "个")),
    ("PERSON", "苏景云", name("苏景云")),
    ("QUANTITY", "3个", qty(3, "个")),
    ("PERSON", "苏景云", name("苏景云")),
    ("GPE", "我国", name("中国")),
    ("PERSON", "田桂英", name("田桂英")),
    ("PERSON", "苏景云", name("苏景云")),
    ("ORG", "抚顺煤矿", name("抚顺煤矿")),
    ("DATE", "1955年", year(1955)),
    ("PERSON", "苏景云", name("苏景云")),
    ("QUANTITY", "5年", qty(5, "年")),
    ("ORG", "阳泉矿务局", name("阳泉矿务局")),
    ("QUANTITY", "20岁", qty(20, "岁")),
    ("PERSON", "苏景云", name("苏景云")),
    ("PERSON", "田桂英", name("田桂英")),
    ("PERSON", "苏景云", name("苏景云")),
    ("QUANTITY", "四块", {**qty(4, "块"), **OPT}),    # in the saying 四块石头夹一块肉
    ("PERSON", "苏景云", name("苏景云")),
    ("PERSON", "苏景云", name("苏景云")),
    ("QUANTITY", "6个月", qty(6, "个月")),
    ("ORG", "三矿一号井采煤队", name("三矿一号井采煤队")),
    ("GPE", "新中国", {**name("新中国"), **OPT}),
    ("QUANTITY", "一百多人", qty(100, "人", "more_than")),
    ("QUANTITY", "2.4米", qty(2.4, "米")),
    ("PERSON", "苏景云", name("苏景云")),
    ("DATE", "1956年", year(1956)),
    ("PERSON", "苏景云", name("苏景云")),
    ("PERSON", "毛泽东", name("毛泽东")),
    ("PERSON", "周恩来", name("周恩来")),
    ("DATE", "1990年", year(1990)),
    ("PERSON", "苏景云", name("苏景云")),
    ("GPE", "共和国", {**name("共和国"), **OPT}),
    ("DATE", "2019年", year(2019)),
    ("GPE", "中华人民共和国", name("中国")),  # a country: its standard Chinese name (CLDR)
    ("QUANTITY", "70周年", qty(70, "周年")),
    ("ORG", "市委党史研究室", name("阳泉市委党史研究室")),
    ("ORG", "市地方志研究室", name("阳泉市地方志研究室")),
    # 社区养老
    ("GPE", "城区阳坡埝社区", name("城区阳坡埝社区")),
    ("LOC", "佳禾小区", name("佳禾小区")),
    ("QUANTITY", "80岁", qty(80, "岁")),
    ("PERSON", "冯林", name("冯林")),
    ("PERSON", "冯林", name("冯林")),
    ("GPE", "我市", HOME),
    ("GPE", "我国", name("中国")),
    ("DATE", "2024年", year(2024)),
    ("GPE", "我市", HOME),
    ("GPE", "全市", {**HOME, **OPT}),
    ("QUANTITY", "45个", qty(45, "个")),
    ("QUANTITY", "15个", qty(15, "个")),
    ("QUANTITY", "28个", qty(28, "个")),
    ("QUANTITY", "539个", qty(539, "个")),
    ("QUANTITY", "146个", qty(146, "个")),
    ("GPE", "我市", HOME),
    ("ORG", "民政部", name("民政部")),
    ("ORG", "财政部", name("财政部")),
    ("DATE", "2024年", year(2024)),
    ("GPE", "我市", HOME),
    ("QUANTITY", "710户", qty(710, "户")),
    # 提高服务质量 老年生活有温度有品质
    ("DATE", "2024年10月30日", day(2024, 10, 30)),
    ("ORG", "市民政局", name("阳泉市民政局")),
    ("DATE", "2024年", year(2024)),
    ("GPE", "全市", {**HOME, **OPT}),
    ("GPE", "全市", {**HOME, **OPT}),
    ("QUANTITY", "54名", qty(54, "名")),
    ("QUANTITY", "112名", qty(112, "名")),
    ("QUANTITY", "50名", qty(50, "名")),
    ("DATE", "2024年", year(2024)),
    ("ORG", "市民政局", name("阳泉市民政局")),
    ("GPE", "全市", {**HOME, **OPT}),
    ("GPE", "中国", {**name("中国"), **OPT}),          # 中国式现代化
    ("DATE", "2024年", year(2024)),
    ("ORG", "市民政局", name("阳泉市民政局")),
    ("QUANTITY", "三项", qty(3, "项")),
    ("QUANTITY", "两级", {**qty(2, "级"), **OPT}),    # 市、县两级
    ("DATE", "2024年", year(2024)),
    ("GPE", "我市", HOME),
    ("GPE", "全省", {**name(PROVINCE), **OPT}),
    ("GPE", "我市", HOME),
    ("PERSON", "薄红贞", name("薄红贞")),            # byline
    # (上接第一版)
    ("DATE", "2024年", year(2024)),
    ("GPE", "我市", HOME),
    ("QUANTITY", "3个", qty(3, "个")),
    ("QUANTITY", "2个", qty(2, "个")),
    ("QUANTITY", "146个", qty(146, "个")),
    ("QUANTITY", "80周岁及以上", qty(80, "周岁", "at_least")),
    ("MONEY", "3135.7万元", cny(31357000)),
    ("MONEY", "2340.8万元", cny(23408000)),
    # 优化供给体系 满足多元养老需求
    ("DATE", "2024年7月1日", day(2024, 7, 1)),
    ("GPE", "平定县冠山镇杨家沟社区", name("平定县冠山镇杨家沟社区")),
    ("GPE", "杨家沟社区", name("杨家沟社区")),
    ("GPE", "我市", HOME),
    ("DATE", "2024年", year(2024)),
    ("GPE", "平定县", name("平定县")),
    ("QUANTITY", "40张", qty(40, "张")),
    ("QUANTITY", "32人", qty(32, "人")),
    ("ORG", "仁安医院", name("仁安医院")),
    # a named canteen (maximal ORG) or a community (GPE) + a generic canteen: debatable
    ("ORG", "城区下站街道河边街社区幸福食堂", {**name("城区下站街道河边街社区幸福食堂"), **OPT}),
    ("DATE", "2024年9月", month(2024, 9)),
    ("PERSON", "周文靖", name("周文靖")),
]


def rows(text: str) -> list[dict[str, Any]]:
    found = []
    cursor = 0
    for label, mention, values in MENTIONS:
        start = text.find(mention, cursor)
        if start < 0:
            raise SystemExit(f"not found after {cursor}: {label} {mention}")
        end = start + len(mention)
        row = {"source": SOURCE, "label": label, "text": mention, "start": start, "end": end}
        row.update(values)  # a key given as null is checked too: the value must be empty
        found.append(row)
        cursor = end  # gold spans never overlap
    return found


def main() -> None:
    text = open(sys.argv[1], encoding="utf-8").read()
    for row in rows(text):
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
