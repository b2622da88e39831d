"""The run config and the tables: one loader, a user's tables folder over configs/."""
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from pipeline.config import (CONFIG_DIR, Config, ConfigError, Home, load_config, load_table, parse_config, table_file,
                             use_tables)
from pipeline.extract.numeric.mentions import extract_numeric
from pipeline.extract.numeric.patterns import numeric_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def tables_folder(tmp_path):
    """A user's tables folder: units.yaml with one count classifier more (喵)."""
    units = yaml.safe_load((CONFIG_DIR / "units.yaml").read_text(encoding="utf-8"))
    units["kinds"]["count"].append("喵")
    (tmp_path / "units.yaml").write_text(yaml.safe_dump(units, allow_unicode=True), encoding="utf-8")
    yield tmp_path
    use_tables(Config())  # back to configs/ for the tests after this one


def test_the_sample_config_loads_with_its_keys():
    config, sha = load_config(ROOT / "configs" / "pipeline.yaml")
    assert config.home.city == "阳泉市" and config.tables is None
    assert len(sha) == 64


@pytest.mark.parametrize("data, message", [
    ({"hmoe": {}}, "unknown key 'hmoe'"),
    ({"batching": {"max_chars": 5}}, "key 'batching.max_chars'"),
    ({"tables": "/no/such/folder"}, "no tables folder at /no/such/folder"),
])
def test_a_bad_key_is_refused_by_name(data, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")):
        parse_config(data, "my.yaml")


def test_a_tables_file_that_replaces_nothing_is_refused(tmp_path):
    (tmp_path / "unit.yaml").write_text("kinds: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unit\.yaml .* replace\(s\) no table"):
        parse_config({"tables": str(tmp_path)})


def test_a_tables_folder_replaces_the_tables_it_holds_and_only_those(tables_folder):
    assert extract_numeric("三喵", None, numeric_rules()) == []
    config = parse_config({"tables": str(tables_folder)})
    use_tables(config)
    assert table_file("units.yaml") == tables_folder / "units.yaml"
    assert table_file("numerals.yaml") == CONFIG_DIR / "numerals.yaml"
    assert "喵" in load_table("units")["kinds"]["count"]
    found = extract_numeric("三喵", None, numeric_rules())
    assert [(m.label, m.text, m.value, m.unit) for m in found] == [("QUANTITY", "三喵", Decimal(3), "喵")]
    use_tables(Config())
    assert extract_numeric("三喵", None, numeric_rules()) == []  # configs/'s rules again, still compiled


def test_the_tables_folder_travels_with_the_config_to_a_worker(tables_folder):
    # workers get the config as JSON (pipeline/extract/workers.py) and call use_tables with it
    config = parse_config({"tables": str(tables_folder)})
    assert Config.model_validate_json(config.model_dump_json()).tables == tables_folder.resolve()


def test_a_table_is_parsed_once_per_process():
    assert load_table("dates") is load_table("dates")


def test_importing_the_rules_reads_no_table():
    # the rules compile on first use, not at import: a tables folder set after
    # import (a worker's config) is the one they read
    code = ("import pipeline.extract.numerals, pipeline.extract.numeric.patterns, "
            "pipeline.extract.dates.patterns, pipeline.extract.dates.forms, pipeline.extract.names.tables\n"
            "from pipeline.config import load_table\n"
            "print(load_table.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "0"


@pytest.mark.parametrize("data, message", [
    ({"home": {"province": "山西省", "city": "洛阳市"}}, "key 'home.city': 洛阳市 is in 河南省, not 山西省; cities of 山西省: "),
    ({"home": {"province": "河南省", "city": "洛阳"}}, "key 'home.city': 洛阳 is a short form: write 洛阳市"),
    ({"home": {"province": "河楠省"}}, "key 'home.province': no province 河楠省 in the division table; provinces: 河南省"),
    ({"homes": [{"folder": "{tmp}", "province": "河南省", "city": "郑州"}]}, "key 'homes.0.city': 郑州 is a short form"),
    ({"homes": [{"folder": "{tmp}/nowhere", "city": "郑州市"}]}, "key 'homes.0.folder'"),
    ({"homes": [{"folder": "{tmp}", "city": "郑州市"}, {"folder": "{tmp}/", "city": "洛阳市"}]}, "named more than once"),
    ({"homes": [{"folder": "{tmp}", "town": "郑州市"}]}, "unknown key 'homes.0.town'"),
])
def test_a_home_outside_the_division_table_is_refused_naming_the_key(tmp_path, data, message):
    data = yaml.safe_load(yaml.safe_dump(data, allow_unicode=True).replace("{tmp}", str(tmp_path)))
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")) as refused:
        parse_config(data, "my.yaml")
    assert "\n" not in str(refused.value)


def test_a_page_takes_the_home_of_the_deepest_folder_holding_it(tmp_path):
    (tmp_path / "henan" / "luoyang").mkdir(parents=True)
    config = parse_config({"home": {"province": "山西省", "city": "阳泉市"}, "homes": [
        {"folder": str(tmp_path / "henan"), "province": "河南省"},
        {"folder": str(tmp_path / "henan" / "luoyang"), "province": "河南省", "city": "洛阳市"}]})
    assert config.home_for(tmp_path / "henan" / "luoyang" / "a.txt").city == "洛阳市"
    assert config.home_for(tmp_path / "henan" / "b.txt") == Home(province="河南省")
    assert config.home_for(tmp_path / "henanese.txt").city == "阳泉市"  # a name sharing a prefix is no subfolder
    assert config.home_for(ROOT / "data" / "samples" / "c.txt") == config.home


def test_a_run_with_a_home_outside_its_province_is_exit_2_before_any_work(tmp_path, capsys):
    from pipeline.cli import main

    config = tmp_path / "luoyang.yaml"
    config.write_text("home: {province: 山西省, city: 洛阳市}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(ROOT / "data" / "samples"), "--out", str(out), "--config", str(config)]) == 2
    message = capsys.readouterr().err.strip()
    assert "key 'home.city'" in message and "洛阳市 is in 河南省" in message and len(message.splitlines()) == 1
    assert not out.exists()
