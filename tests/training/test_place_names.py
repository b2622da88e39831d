"""The place hierarchy tables training/place_names.py writes from JioNLP's dictionaries
(configs/names/divisions.tsv, countries.tsv): every province-level unit, a sample of
prefectures and counties with their parents and codes, countries with ISO 3166 codes."""
from __future__ import annotations

import csv

import pytest

from pipeline.config import CONFIG_DIR

PROVINCE_LEVEL = {
    "110000": "北京市", "120000": "天津市", "130000": "河北省", "140000": "山西省", "150000": "内蒙古自治区",
    "210000": "辽宁省", "220000": "吉林省", "230000": "黑龙江省", "310000": "上海市", "320000": "江苏省",
    "330000": "浙江省", "340000": "安徽省", "350000": "福建省", "360000": "江西省", "370000": "山东省",
    "410000": "河南省", "420000": "湖北省", "430000": "湖南省", "440000": "广东省", "450000": "广西壮族自治区",
    "460000": "海南省", "500000": "重庆市", "510000": "四川省", "520000": "贵州省", "530000": "云南省",
    "540000": "西藏自治区", "610000": "陕西省", "620000": "甘肃省", "630000": "青海省", "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区", "710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区",
}


def read(name: str) -> list[dict[str, str]]:
    with (CONFIG_DIR / "names" / name).open(encoding="utf-8") as handle:
        header = handle.readline().lstrip("# ").split("  ")[0].split("\t")
        return [dict(zip(header, row)) for row in csv.reader(handle, delimiter="\t")]


@pytest.fixture(scope="module")
def divisions() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in read("divisions.tsv") if row["code"]}


def test_every_province_level_unit_is_its_own_province(divisions):
    for code, name in PROVINCE_LEVEL.items():
        row = divisions[code]
        assert (row["name"], row["province"], row["county"]) == (name, name, "")
    municipalities = {code for code, name in PROVINCE_LEVEL.items() if name in ("北京市", "天津市", "上海市", "重庆市")}
    assert {code for code in PROVINCE_LEVEL if divisions[code]["city"] == divisions[code]["name"]} == municipalities


@pytest.mark.parametrize("code, name, short, province, city, county", [
    ("140300", "阳泉市", "阳泉", "山西省", "阳泉市", ""),
    ("140321", "平定县", "平定", "山西省", "阳泉市", "平定县"),
    ("140302", "城区", "城区", "山西省", "阳泉市", "城区"),
    ("210726", "黑山县", "黑山", "辽宁省", "锦州市", "黑山县"),
    ("440300", "深圳市", "深圳", "广东省", "深圳市", ""),
    ("110105", "朝阳区", "朝阳", "北京市", "北京市", "朝阳区"),
    ("220104", "朝阳区", "朝阳", "吉林省", "长春市", "朝阳区"),
    ("540223", "定日县", "定日", "西藏自治区", "日喀则市", "定日县"),
    ("653000", "克孜勒苏柯尔克孜自治州", "克州/克孜勒苏", "新疆维吾尔自治区", "克孜勒苏柯尔克孜自治州", ""),
])
def test_prefectures_and_counties_with_their_parents(divisions, code, name, short, province, city, county):
    row = divisions[code]
    assert (row["name"], row["short"], row["province"], row["city"], row["county"]) == (
        name, short, province, city, county)


def test_every_county_sits_in_its_province_by_code(divisions):
    provinces = {code[:2]: name for code, name in PROVINCE_LEVEL.items()}
    assert all(provinces[code[:2]] == row["province"] for code, row in divisions.items())
    assert len([row for row in divisions.values() if row["county"]]) > 2800


def test_countries_have_their_iso_codes():
    countries = {row["name"]: row for row in read("countries.tsv")}
    assert {name: countries[name]["iso2"] for name in ("中国", "美国", "日本", "沙特", "刚果(金)", "英国")} == {
        "中国": "CN", "美国": "US", "日本": "JP", "沙特": "SA", "刚果(金)": "CD", "英国": "GB"}
    assert countries["中国"]["full_name"] == "中华人民共和国"
    assert len({row["iso2"] for row in countries.values()}) == len(countries)
