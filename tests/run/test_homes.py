"""Several papers in one run, through the real flow: each page's names and measures are
read with its own home place (its folder's from the config's homes, its sidecar's, else
the config's home), and a sidecar's home outside its province is a warning row."""
import json
from datetime import date

import pandas as pd

from pipeline.config import parse_config
from pipeline.run.flow import run_pipeline

PAGE = ("市财政局：一季度拨付专项资金1.2亿元\n\n"
        "本报讯 3月11日，市财政局下达专项资金1.2亿元，支持{place}重点项目建设。我市固定资产投资增长8.5%。\n")


def test_two_papers_in_one_run_get_their_own_norms(tmp_path):
    for folder, place in (("luoyang", "洛阳新区"), ("yangquan", "城区")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text(PAGE.format(place=place), encoding="utf-8")
    (tmp_path / "yangquan" / "wrong.txt").write_text(PAGE.format(place="郊区"), encoding="utf-8")
    (tmp_path / "yangquan" / "wrong.meta.json").write_text(
        json.dumps({"home": {"province": "山西省", "city": "洛阳市"}}, ensure_ascii=False), encoding="utf-8")
    config = parse_config({"home": {"province": "山西省", "city": "阳泉市"},
                           "homes": [{"folder": str(tmp_path / "luoyang"), "province": "河南省", "city": "洛阳市"}]})
    out = tmp_path / "out"
    summary = run_pipeline([str(tmp_path / "luoyang"), str(tmp_path / "yangquan")], str(out), config, "test",
                           cli_pub_date=date(2025, 3, 12))
    assert summary.n_documents == 3 and summary.exit_code == 0

    documents = pd.read_parquet(out / "documents")
    paper = {row.doc_id: row.source.split("/")[-2] + "/" + row.source.split("/")[-1] for row in documents.itertuples()}
    entities = pd.read_parquet(out / "entities")
    entities["page"] = entities.doc_id.map(paper)
    norms = {(row.page, row.text): row.norm for row in entities.itertuples() if row.label in ("ORG", "GPE")}
    assert norms[("luoyang/page.txt", "市财政局")] == "洛阳市财政局"
    assert norms[("luoyang/page.txt", "我市")] == "洛阳市"
    assert norms[("yangquan/page.txt", "市财政局")] == "阳泉市财政局"
    assert norms[("yangquan/page.txt", "我市")] == "阳泉市"
    assert norms[("yangquan/wrong.txt", "市财政局")] == "阳泉市财政局"  # its sidecar's home was refused
    luoyang = entities[(entities.page == "luoyang/page.txt") & (entities.text == "我市")].iloc[0]
    assert (luoyang.place_code, luoyang.province) == ("410300", "河南省")

    measures = pd.read_parquet(out / "measures")
    measures["page"] = measures.doc_id.map(paper)
    assert set(measures[measures.page == "luoyang/page.txt"].place) == {"洛阳市"}
    assert set(measures[measures.page == "yangquan/page.txt"].place) == {"阳泉市"}

    errors = pd.read_parquet(out / "errors")
    (warning,) = errors[errors.error_type == "bad_home"].itertuples()
    assert warning.severity == "warning" and warning.source.endswith("wrong.txt")
    assert "洛阳市 is in 河南省, not 山西省" in warning.message and "the page's home is 山西省阳泉市" in warning.message
