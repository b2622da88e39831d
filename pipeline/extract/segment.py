"""spaCy's Chinese tokenizer with the project's own pkuseg model (`segmenter: pkuseg`).

The model is trained by ``python -m training`` on People's Daily 1998 and
packaged in ``<models_dir>/pkuseg``.  spacy-pkuseg applies a default user
dictionary (its post-processor re-joins words such as 李鹏 that People's Daily
splits); it cost 1.2 word F1 on held-out People's Daily, so both its pre- and
post-processor are cleared.
"""
from __future__ import annotations

from pathlib import Path

import spacy
import spacy_pkuseg
from spacy.language import Language

PKUSEG_SUBDIR = "pkuseg"


def pkuseg_model_path(models_dir: Path | str) -> Path:
    return Path(models_dir) / PKUSEG_SUBDIR


def blank_pkuseg_nlp(models_dir: Path | str) -> Language:
    """A blank Chinese pipeline whose tokenizer segments words with our pkuseg model."""
    path = pkuseg_model_path(models_dir)
    if not (path / "weights.npz").exists():
        raise FileNotFoundError(
            f"segmenter 'pkuseg': no trained pkuseg model at {path} (expected {path / 'weights.npz'}); "
            "build it with `make train` or use extract.segmenter: char"
        )
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    nlp.tokenizer.initialize(pkuseg_model=str(path))
    nlp.tokenizer.pkuseg_update_user_dict([], reset=True)
    nlp.tokenizer.pkuseg_seg.postprocesser = spacy_pkuseg.Postprocesser(None, None)
    return nlp
