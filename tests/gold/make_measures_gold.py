"""How tests/gold/measures_*.gold.jsonl were written (kept for provenance).

The JSONL files are the authority; this script only turns the hand-made table
below (one entry per number, in reading order) into rows and checks each
``text == documents.text[start:end]``.  Every row was read by eye against the
text; conventions and hard cases are in tests/gold/MEASURES_GOLD.md.

    .venv/bin/pipeline run data/samples --out /tmp/gold_out --config configs/pipeline.yaml
    .venv/bin/python tests/gold/make_measures_gold.py /tmp/gold_out tests/gold
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

PAGE = "000_e0aca1a44daf8f47.txt"
REPORT = "2022_government_work_report.txt"

Y2021 = ("2021-01-01", "2021-12-31")
Y2022 = ("2022-01-01", "2022-12-31")
Y2024 = ("2024-01-01", "2024-12-31")
D20241030 = ("2024-10-30", "2024-10-30")
D20240701 = ("2024-07-01", "2024-07-01")
NOP = (None, None)


def m(start: int, text: str, core: str, mx: Optional[str], kind: str, direction: Optional[str],
      basis: Optional[str], target: bool, period: tuple, place: Optional[str], note: str = "") -> dict[str, Any]:
    """A measuring number.  ``mx`` None means max == core."""
    mx = core if mx is None else mx
    assert core in mx, (text, core, mx)
    assert kind in ("level", "change")
    assert (direction is None) == (kind == "level"), text
    row = {"start": start, "end": start + len(text), "text": text, "measure": True,
           "indicator_core": core, "indicator_max": mx, "kind": kind, "direction": direction,
           "basis": basis, "target": target, "period_start": period[0], "period_end": period[1],
           "place": place}
    if note:
        row["note"] = note
    return row


def lv(start, text, core, mx, target, period, place, note=""):
    return m(start, text, core, mx, "level", None, None, target, period, place, note)


def up(start, text, core, mx, target, period, place, basis=None, note=""):
    return m(start, text, core, mx, "change", "up", basis, target, period, place, note)


def down(start, text, core, mx, target, period, place, basis=None, note=""):
    return m(start, text, core, mx, "change", "down", basis, target, period, place, note)


def no(start: int, text: str, note: str) -> dict[str, Any]:
    return {"start": start, "end": start + len(text), "text": text, "measure": False, "note": note}


CN = "中国"
YQ = "阳泉市"
MISSED = "missed by entities"

PAGE_ROWS = [
    # 政府工作报告 (2025, continued from page 2): national, plans; the page prints no date for it
    no(627, "十年", "span of time (长江十年禁渔)"),
    up(1740, "20元", "城乡居民基础养老金最低标准", None, True, NOP, CN,
       note="2025 report's plan (再提高); no DATE in the continued article, so period empty"),
    no(2560, "三年", "span of time (治本攻坚三年行动)"),
    # 苏景云 biography
    lv(3785, "5个", "姊妹", None, False, NOP, None, note="family size; no date given"),
    lv(3830, "3个", "选项", "志愿栏的选项", False, NOP, None,
       note="count of choice slots on the application form; time is 填写报考志愿时, no calendar date"),
    no(3937, "5年", "span of time (the bureau had existed 5 years)"),
    no(3949, "20岁", "age"),
    no(4213, "6个月", "span of time"),
    lv(4269, "一百多人", "采煤队", "采煤队人数", False, NOP, YQ,
       note="size of the team she led; time is 任职期间 (no calendar date), so period empty"),
    lv(4361, "2.4米", "截深", "割煤机截深", False, NOP, YQ, note="same 任职期间, period empty"),
    no(4615, "70周年", "anniversary"),
    no(4675, "80岁", "age"),
    # 养老: 目前，全市共建成… (目前 overrides the paragraph's 2024年; not a calendar DATE)
    lv(5102, "45个", "养老机构", None, False, NOP, YQ, note="目前 (as of now): no calendar period"),
    lv(5116, "15个", "社区嵌入式养老服务站", None, False, NOP, YQ, note="目前: no calendar period"),
    lv(5128, "28个", "城市社区幸福食堂", None, False, NOP, YQ, note="目前: no calendar period"),
    lv(5143, "539个", "农村老年人日间照料中心", None, False, NOP, YQ, note="目前: no calendar period"),
    lv(5160, "146个", "农村助老食堂", "提档升级农村助老食堂", False, NOP, YQ,
       note="其中 frame left out; subset of the above that was upgraded; 目前: no calendar period"),
    lv(5333, "710户", "特殊困难老年人家庭", "特殊困难老年人家庭进行了适老化改造", False, Y2024, YQ,
       note="counts the households adapted (适老化改造)"),
    # training on 2024-10-30 (sentence-initial date of the paragraph governs the next sentence)
    lv(5647, "54名", "负责人", "来自全市各养老机构和社区养老服务站的负责人", False, D20241030, YQ,
       note="trainees; period from the paragraph's 2024年10月30日"),
    lv(5654, "112名", "养老护理员", None, False, D20241030, YQ),
    lv(5665, "50名", "稳定照护者", "失能老年人家庭的稳定照护者", False, D20241030, YQ),
    no(5975, "三项", "list count introducing a list (狠抓三项工作：…), not a figure"),
    # 2024年，我市建设了…
    lv(6438, "3个", "城镇社区幸福养老工程", None, False, Y2024, YQ),
    lv(6451, "2个", "区域性养老服务中心", None, False, Y2024, YQ),
    lv(6464, "146个", "农村老年人日间照料中心", None, False, Y2024, YQ,
       note="counts the centres upgraded (对…进行了提档升级); verb not contiguous, so max == core"),
    no(6488, "80周岁及以上", "age bracket (MEASURES.md example)"),
    lv(6506, "3135.7万元", "普惠性津贴", None, False, Y2024, YQ),
    lv(6525, "2340.8万元", "老年助餐补助资金", None, False, Y2024, YQ),
    # 杨家沟社区 station, paragraph opens 2024年7月1日
    lv(6688, "40张", "床位", "服务站设置床位", False, D20240701, "平定县冠山镇杨家沟社区",
       note="period from the paragraph-initial 2024年7月1日 (opening)"),
    lv(6697, "32人", "老年人", "入住老年人", False, D20240701, "平定县冠山镇杨家沟社区",
       note="residents; period from the paragraph-initial 2024年7月1日"),
]

REPORT_ROWS = [
    no(120, "一百周年", "anniversary"),
    # 一、2021年工作回顾 (过去一年 = 2021): outcomes
    lv(323, "114万亿元", "国内生产总值", None, False, Y2021, CN),
    up(332, "8.1%", "国内生产总值", None, False, Y2021, CN, note="增长 with no base word: basis empty"),
    lv(345, "20万亿元", "财政收入", "全国财政收入", False, Y2021, CN, note="突破 is the qualifier verb"),
    up(353, "10.7%", "财政收入", "全国财政收入", False, Y2021, CN, note="subject carried"),
    lv(365, "1269万人", "城镇新增就业", "城镇新增就业人数", False, Y2021, CN),
    lv(382, "5.1%", "城镇调查失业率", None, False, Y2021, CN, note="平均为: an average level"),
    up(395, "0.9%", "居民消费价格", None, False, Y2021, CN),
    up(487, "15.5%", "研发经费", "企业研发经费", False, Y2021, CN),
    lv(529, "1.37万亿斤", "粮食产量", None, False, Y2021, CN),
    up(554, "18.2%", "高技术制造业增加值", None, False, Y2021, CN),
    lv(675, "超过1.5亿户", "市场主体", "市场主体总量", False, Y2021, CN),
    up(727, "21.4%", "货物进出口总额", None, False, Y2021, CN),
    down(808, "9.1%", "地级及以上城市细颗粒物（PM2.5）平均浓度", None, False, Y2021, CN,
         note="the city scope changes what is measured, so it stays in core"),
    up(864, "8.1%", "居民人均可支配收入", None, False, Y2021, CN, note="实际增长: 实际 belongs to the change words"),
    lv(928, "5.6万个", "城镇老旧小区", "新开工改造城镇老旧小区", False, Y2021, CN),
    lv(936, "近千万", "家庭", "受益家庭", False, Y2021, CN,
       note="pipeline span 近千万家 cuts 家庭 in half; the number's own span is 近千万 (家庭 is the counted noun)"),
    lv(976, "超过85%", "全程接种覆盖率", "疫苗全程接种覆盖率", False, Y2021, CN),
    lv(1297, "2.8万亿元", "中央财政资金", "中央财政资金纳入直达范围", False, Y2021, CN,
       note="money brought into the direct-transfer mechanism"),
    lv(1343, "两次", "降准", "全面降准次数", False, Y2021, CN, note="count of events (两次全面降准)"),
    lv(1577, "超过1万亿元", "减税降费", "新增减税降费", False, Y2021, CN, note="去年 = 2021"),
    lv(1673, "4.76万亿元", "纳税", "2013年以来新增的涉税市场主体去年纳税", False, Y2021, CN,
       note="tax paid by entities registered since 2013; 去年 = 2021"),
    up(1765, "27.3%", "普惠小微企业贷款", "银行业金融机构普惠小微企业贷款", False, Y2021, CN),
    up(1787, "超过40%", "大型商业银行普惠小微企业贷款", "大型商业银行普惠小微企业贷款增幅", False, Y2021, CN,
       note="增幅 = growth rate, so change/up; the bank scope distinguishes it from the row before"),
    no(1943, "三年", "span of time (国企改革三年行动)"),
    lv(2076, "4个", "服务业扩大开放综合试点", "新增服务业扩大开放综合试点", False, Y2021, CN),
    lv(2212, "100%", "制造业企业研发费用加计扣除比例", None, False, Y2021, CN,
       note="提高到 gives the new level: kind level"),
    lv(2368, "200亿元", "补贴", "种粮农民一次性补贴", False, Y2021, CN),
    lv(2385, "160个", "乡村振兴重点帮扶县", "国家乡村振兴重点帮扶县", False, Y2021, CN),
    no(2413, "五年", "span of time (五年行动)"),
    no(2500, "十年", "span of time (十年禁渔)"),
    lv(2518, "10亿千瓦", "可再生能源发电装机", "可再生能源发电装机规模", False, Y2021, CN),
    lv(2611, "3700多万", "学生", "受益学生", False, Y2021, CN, note=MISSED + "; 3700多万学生受益"),
    no(2652, "三年", "span of time (高职扩招三年行动)"),
    up(2675, "4000元", "助学贷款每人每年最高额度", "国家助学贷款每人每年最高额度", False, Y2021, CN),
    lv(2683, "500多万", "在校生", "受益在校生", False, Y2021, CN, note=MISSED + "; 惠及500多万在校生"),
    lv(2790, "60%", "住院费用跨省直接结算率", None, False, Y2021, CN),
    lv(2985, "10件", "法律议案", "提请全国人大常委会审议法律议案", False, Y2021, CN),
    lv(2997, "15部", "行政法规", "制定修订行政法规", False, Y2021, CN),
    no(3252, "八项", "name of a rule set (中央八项规定), not a figure"),
    no(3368, "30周年", "anniversary"),
    # 二、2022年 targets
    up(4593, "5.5%左右", "国内生产总值", None, True, Y2022, CN, note="预期目标"),
    lv(4606, "1100万人以上", "城镇新增就业", "城镇新增就业人数", True, Y2022, CN),
    lv(4627, "5.5%以内", "城镇调查失业率", None, True, Y2022, CN),
    up(4642, "3%左右", "居民消费价格", "居民消费价格涨幅", True, Y2022, CN, note="涨幅 = rise: change/up"),
    lv(4687, "1.3万亿斤以上", "粮食产量", None, True, Y2022, CN),
    no(4807, "两年", "span of time (近两年平均经济增速)"),
    # 三、2022年政府工作任务
    lv(5715, "2.8%左右", "赤字率", None, True, Y2022, CN, note="拟按…安排"),
    up(5805, "2万亿元以上", "支出规模", None, True, Y2022, CN, basis="yoy", note="比去年扩大: yoy; 预计 → target"),
    up(5873, "3.9%", "中央本级支出", None, True, Y2022, CN, note="今年安排 → target"),
    up(5903, "约1.5万亿元", "转移支付", "中央对地方转移支付", True, Y2022, CN),
    lv(5913, "近9.8万亿元", "转移支付", "中央对地方转移支付规模", True, Y2022, CN, note="subject carried; 规模 is a level"),
    up(5923, "18%", "转移支付", "中央对地方转移支付", True, Y2022, CN, note="subject carried"),
    lv(6024, "3.65万亿元", "专项债券", "地方政府专项债券", True, Y2022, CN, note="拟安排"),
    lv(7145, "100万元至300万元", "应纳税所得额", "小微企业年应纳税所得额", True, Y2022, CN,
       note="a bracket of a planned 2022 tax measure, not a reported amount"),
    lv(7411, "约2.5万亿元", "退税减税", None, True, Y2022, CN, note="预计全年"),
    lv(7425, "约1.5万亿元", "留抵退税", None, True, Y2022, CN, note="其中 frame left out; 预计 carried"),
    lv(8097, "超过1000万人", "高校毕业生", None, True, Y2022, CN,
       note="the 2022 graduating cohort: a projection at publication (graduation is in summer), not a reported outcome"),
    lv(8330, "1000亿元", "失业保险基金", "失业保险基金支持稳岗和培训", True, Y2022, CN),
    no(8929, "两个", "slogan (两个毫不动摇)"),
    no(9020, "三年", "span of time (国企改革三年行动)"),
    no(9403, "十年", "span of time (十年规划)"),
    no(9444, "三年", "span of time (三年攻坚方案)"),
    lv(9763, "75%", "科技型中小企业加计扣除比例", None, False, NOP, CN,
       note="the rate before the change (从75%): current, not a target; the text gives no period for it"),
    lv(9769, "100%", "科技型中小企业加计扣除比例", None, True, Y2022, CN, note="提高到: the planned new level"),
    lv(10660, "6400亿元", "中央预算内投资", None, True, Y2022, CN),
    lv(11463, "18亿亩", "耕地", "耕地红线", True, Y2022, CN, note="pledged floor (坚决守住)"),
    lv(11514, "1亿亩", "高标准农田", "新建高标准农田", True, Y2022, CN),
    lv(11742, "14亿多", "中国人", None, False, Y2022, CN,
       note=MISSED + "; population count (14亿多中国人的饭碗); period from the section heading 2022"),
    no(11947, "30年", "span of time (land contracts extended 30 years)"),
    no(12175, "两个", "slogan (两个市场两种资源)"),
    no(12179, "两种", "slogan (两个市场两种资源)"),
    lv(13828, "2.9亿", "在校学生", None, False, Y2022, CN,
       note=MISSED + "; 我国有2.9亿在校学生; period from the section heading 2022"),
    up(13905, "30元", "居民医保", "居民医保人均财政补助标准", True, Y2022, CN,
       note="分别: composed indicator 居民医保人均财政补助标准"),
    up(13909, "5元", "基本公共卫生服务", "基本公共卫生服务经费人均财政补助标准", True, Y2022, CN,
       note="分别: composed indicator 基本公共卫生服务经费人均财政补助标准"),
    no(14597, "3岁以下", "age bracket"),
    no(15389, "三年", "span of time (三年行动)"),
    no(15542, "两个", "slogan (两个确立)"),
    no(15557, "四个", "slogan (四个意识)"),
    no(15566, "四个", "slogan (四个自信)"),
    no(15575, "两个", "slogan (两个维护)"),
    no(15898, "八项", "name of a rule set (中央八项规定)"),
    no(16032, "两个", "slogan (两个积极性)"),
    no(16357, "一百年", "anniversary (建军一百年奋斗目标)"),
]


def main(out_dir: str, gold_dir: str) -> None:
    import pandas as pd

    docs = pd.read_parquet(Path(out_dir) / "documents")
    texts = {Path(s).name: t for s, t in zip(docs["source"], docs["text"])}
    for source, rows, name in ((REPORT, REPORT_ROWS, "measures_report.gold.jsonl"),
                               (PAGE, PAGE_ROWS, "measures_sample_page.gold.jsonl")):
        text = texts[source]
        prev = -1
        with open(Path(gold_dir) / name, "w", encoding="utf-8") as fh:
            for row in rows:
                assert text[row["start"]:row["end"]] == row["text"], (source, row)
                assert row["start"] > prev, row
                prev = row["start"]
                fh.write(json.dumps({"source": source, **row}, ensure_ascii=False) + "\n")
        n_true = sum(r["measure"] for r in rows)
        print(f"{name}: {n_true} measure true, {len(rows) - n_true} false")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
