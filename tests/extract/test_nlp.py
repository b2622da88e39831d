"""The run config reaches the spaCy components through spaCy's own config
(``nlp.add_pipe(factory, config={"settings": ...})``), whole, in this process
and in the extract workers."""
from typing import Optional

import pytest
import spacy
from spacy.language import Language

from pipeline.config import Config, Home, parse_config
from pipeline.errors import ConfigError
from pipeline.extract import nlp as nlp_module
from pipeline.extract import workers
from pipeline.extract.nlp import build_nlp, get_mentions, settings_of

# configs/names/home.yaml: 我县/本县 -> {county}, a 县 body -> {county} + the body
HOME = {"province": "山西省", "city": "阳泉市", "county": "平定县"}


def _norms(nlp: Language, text: str) -> set[tuple[str, str, Optional[str]]]:
    return {(m.label, m.text, m.norm) for m in get_mentions(nlp(text))}


def test_the_configured_county_resolves_wo_xian():
    nlp = build_nlp(parse_config({"home": HOME, "extract": {"components": ["rules"]}}))
    found = _norms(nlp, "我县今年新建学校三所，县民政局局长出席。")
    assert ("GPE", "我县", "平定县") in found
    assert ("ORG", "县民政局", "平定县民政局") in found


def test_without_a_county_wo_xian_keeps_its_text():
    nlp = build_nlp(parse_config({"home": {"province": "山西省", "city": "阳泉市"},
                                  "extract": {"components": ["rules"]}}))
    assert ("GPE", "我县", "我县") in _norms(nlp, "我县今年新建学校三所。")


def test_every_component_is_given_the_whole_run_config():
    config = parse_config({"home": HOME, "extract": {"components": ["numeric", "rules"], "processes": 3}})
    nlp = build_nlp(config)
    for name in nlp.pipe_names:
        assert nlp.config["components"][name]["settings"] == settings_of(config)


class _ConfigWithANewKey(Config):
    # a key Config does not have yet: what a helper adding one to pipeline/config.py adds
    new_key: str = "unset"


@Language.factory("test_settings_probe", default_config={"settings": {}})
def _make_probe(nlp: Language, name: str, settings: dict):
    _seen.append(settings)
    return lambda doc: doc


_seen: list[dict] = []


def test_a_new_config_key_reaches_a_component_with_nothing_edited_between(monkeypatch):
    monkeypatch.setitem(nlp_module.FACTORIES, "probe", "test_settings_probe")
    _seen.clear()
    build_nlp(_ConfigWithANewKey(new_key="arrived", extract={"components": ["probe"]}))
    assert _seen[-1]["new_key"] == "arrived"


def test_the_pipeline_rebuilds_from_its_spacy_config():
    nlp = build_nlp(parse_config({"home": HOME, "extract": {"components": ["rules"]}}))
    rebuilt = spacy.util.load_model_from_config(nlp.config)
    assert ("GPE", "我县", "平定县") in _norms(rebuilt, "我县")


def test_an_unknown_component_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown component 'nre'"):
        build_nlp(parse_config({"extract": {"components": ["nre"]}}))


def test_a_worker_process_builds_its_pipeline_from_the_config():
    """What each worker runs: the config crosses to it as JSON and the pipeline is built from it."""
    config = parse_config({"home": HOME, "extract": {"components": ["rules"]}})
    luoyang = Home(province="河南省", city="洛阳市", county="嵩县")
    configured, own = workers._worker_mentions(config.model_dump_json(), [("我县", None, None), ("我县", None, luoyang)])
    assert [(m.text, m.norm) for m in configured] == [("我县", "平定县")]
    assert [(m.text, m.norm) for m in own] == [("我县", "嵩县")]  # a page's own home crosses to the worker
