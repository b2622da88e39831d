"""A page's home place at ingest: its feed line's ``home``, else its sidecar's, else the
one the run gives its file (its folder's or the config's); one the division table does
not hold is a bad_home warning row and the fallback stays."""
import json
from datetime import date

import pytest

from pipeline.config import Home
from pipeline.read.formats import read_input
from pipeline.read.inputs import discover_inputs

TEXT = "本报讯 3月11日，市财政局下达专项资金1.2亿元，支持我市重点项目建设。"
YANGQUAN = Home(province="山西省", city="阳泉市")  # the home the run gives the file
LUOYANG = {"province": "河南省", "city": "洛阳市"}


def read(path, home=YANGQUAN):
    items, rows = discover_inputs([path])
    assert not rows
    return read_input(items[0], date(2025, 3, 12), home=home)


def warned(rows):
    return [(row.error_type, row.message) for row in rows if row.severity == "warning"]


def page_with_sidecar(tmp_path, meta) -> object:
    path = tmp_path / "page.txt"
    path.write_text(TEXT, encoding="utf-8")
    (tmp_path / "page.meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_sidecar_home_is_the_page_home(tmp_path):
    (document,), rows = read(page_with_sidecar(tmp_path, {"pub_date": "2025-03-12", "home": LUOYANG}))
    assert document.home == Home(**LUOYANG) and not rows


@pytest.mark.parametrize("meta", [{}, {"home": {}}, {"home": None}])
def test_a_page_naming_no_home_takes_the_one_given_its_file(tmp_path, meta):
    (document,), rows = read(page_with_sidecar(tmp_path, meta))
    assert document.home == YANGQUAN and not warned(rows)


@pytest.mark.parametrize("home, reason", [
    ({"province": "山西省", "city": "洛阳市"}, "city: 洛阳市 is in 河南省, not 山西省"),
    ({"province": "河南省", "city": "洛阳"}, "city: 洛阳 is a short form: write 洛阳市"),
    ({"province": "河南省", "town": "洛阳市"}, "town: unknown field"),
    ("洛阳市", "a str, not an object of province, city and county"),
])
def test_a_sidecar_home_outside_the_division_table_is_a_warning_and_the_default_stays(tmp_path, home, reason):
    (document,), rows = read(page_with_sidecar(tmp_path, {"home": home}))
    assert document.home == YANGQUAN
    ((kind, message),) = warned(rows)
    assert kind == "bad_home" and message.startswith("sidecar page.meta.json: home ")
    assert reason in message and message.endswith("the page's home is 山西省阳泉市")


def test_a_feed_line_home_comes_before_the_sidecar_and_a_bad_one_falls_back_to_it(tmp_path):
    feed = tmp_path / "feed.jsonl"
    lines = [{"text": TEXT, "home": LUOYANG},
             {"text": TEXT + "（二）"},
             {"text": TEXT + "（三）", "home": {"province": "河南省", "city": "阳泉市"}}]
    feed.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines), encoding="utf-8")
    (tmp_path / "feed.meta.json").write_text(json.dumps({"home": {"province": "河南省", "city": "郑州市"}},
                                                        ensure_ascii=False), encoding="utf-8")
    documents, rows = read(feed)
    assert [d.home.city for d in documents] == ["洛阳市", "郑州市", "郑州市"]
    ((kind, message),) = warned(rows)
    assert kind == "bad_home" and "阳泉市 is in 山西省, not 河南省" in message
    assert message.endswith("the page's home is 河南省郑州市")
    assert rows[0].source.endswith("feed.jsonl#L3")


def test_without_a_home_from_the_run_a_page_leaves_it_to_the_config(tmp_path):
    (document,), _ = read(page_with_sidecar(tmp_path, {}), home=None)
    assert document.home is None  # the spaCy components and the measures use the config's home
