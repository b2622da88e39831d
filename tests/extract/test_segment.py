"""The pkuseg segmenter option (extract.segmenter: pkuseg)."""
from __future__ import annotations

import pytest

from pipeline.config import MODELS_DIR, parse_config
from pipeline.extract.segment import blank_pkuseg_nlp, pkuseg_model_path

needs_model = pytest.mark.skipif(not (pkuseg_model_path(MODELS_DIR) / "weights.npz").exists(),
                                 reason="no trained pkuseg model in data/models/pkuseg")


def test_missing_model_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "pkuseg")):
        blank_pkuseg_nlp(tmp_path)


@needs_model
def test_segments_news_text_into_words():
    nlp = blank_pkuseg_nlp(MODELS_DIR)
    words = [t.text for t in nlp("中共中央总书记、国家主席发表新年讲话。")]
    assert words == ["中共中央", "总书记", "、", "国家", "主席", "发表", "新年", "讲话", "。"]


@needs_model
def test_build_nlp_uses_pkuseg_when_configured():
    from pipeline.extract.nlp import build_nlp

    config = parse_config({"extract": {"segmenter": "pkuseg", "components": [], "models_dir": str(MODELS_DIR)}})
    assert [t.text for t in build_nlp(config)("国家主席发表新年讲话")] == ["国家", "主席", "发表", "新年", "讲话"]
    # without the option the tokens are characters (the name model reads characters)
    default = parse_config({"extract": {"components": [], "models_dir": str(MODELS_DIR)}})
    assert [t.text for t in build_nlp(default)("国家主席")] == ["国", "家", "主", "席"]
