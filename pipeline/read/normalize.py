"""Normalization: one document text per input, the text every offset refers to.

The decisions are spelled out in configs/normalize.yaml.  Everything here is a
single pass of ``str.translate`` or a linear regex, so a two-million-character
line costs no more than two million short ones.
"""
from __future__ import annotations

import re
import unicodedata

from pipeline.config import load_table, per_tables
from pipeline.text import HAN_RANGE

_CJK = HAN_RANGE + "\uf900-\ufaff\u3000-\u303f\uff00-\uffef"  # with compatibility forms and CJK punctuation
# C0/C1 controls except \n (tabs are folded to spaces by the table first).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff\ufffe]")
_TRAILING_SPACE = re.compile(r"[ ]+(?=\n)|[ ]+\Z")
_LEADING_SPACE = re.compile(r"(?m)^[ ]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_DIGIT_DOT = re.compile(r"(?<=\d)．(?=\d)")


@per_tables
def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)}  # ０-９
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
    table.update({code: chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)})  # ａ-ｚ
    for wide, narrow in load_table("normalize")["fold_to_ascii"].items():
        table[ord(wide)] = narrow
    return table


@per_tables
def _cjk_punctuation() -> tuple[re.Pattern[str], dict[str, str]]:
    mapping = load_table("normalize")["ascii_to_fullwidth_in_cjk"]
    signs = re.escape("".join(mapping))
    # A whole run of signs widens together: widening one sign of `:,㐀` would put
    # the other beside a full-width sign and a second pass would widen it too.
    pattern = re.compile(rf"(?<=[{_CJK}])[{signs}]+|[{signs}]+(?=[{_CJK}])")
    return pattern, mapping


def fold_width(text: str) -> str:
    """Full-width digits, letters and signs to ASCII: the one width fold.  Every
    rule downstream matches ASCII digits and letters only, so text that reaches
    the extractors without normalize_text (a test's string, a benchmark line)
    must pass through here first."""
    return _DIGIT_DOT.sub(".", text.translate(_fold_table()))


def widen_cjk_punctuation(text: str) -> str:
    """ASCII , ; : ? ! ( ) beside a Chinese character become full-width."""
    pattern, mapping = _cjk_punctuation()
    return pattern.sub(lambda match: "".join(mapping[sign] for sign in match.group()), text)


def normalize_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = fold_width(text)
    text = _CONTROL.sub("", text)
    text = widen_cjk_punctuation(text)
    text = _TRAILING_SPACE.sub("", text)
    text = _LEADING_SPACE.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip("\n")
