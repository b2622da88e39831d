"""Bytes to text: encodings are detected from the bytes (BOMs first, then
strict UTF-8, then charset-normalizer restricted to the encodings a Chinese
newsroom produces), never guessed from the file's extension."""
from __future__ import annotations

import re
from typing import Optional

from pipeline.errors import IngestError, Refusals

# Candidates for text without a BOM that is not valid UTF-8, in order of preference.
CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be")

# A share of these in decoded text means the bytes were not text at all.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_BOMS = (
    (b"\xef\xbb\xbf", "utf_8_sig"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """The text and the name of the encoding it was read with."""
    if not data.strip():
        raise IngestError(Refusals.EMPTY, part="file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), encoding)
    utf16 = _looks_like_bomless_utf16(data)
    if utf16:
        return _checked(data.decode(utf16, errors="strict"), utf16)
    try:
        return _checked(data.decode("utf-8", errors="strict"), "utf_8")
    except UnicodeDecodeError as error:
        utf8_error = error
    # UTF-8 with a few damaged bytes (a truncated file, a bad copy) stays UTF-8:
    # GB18030 would decode the same bytes "successfully" into nonsense.
    if _mostly_utf8(data):
        text = data.decode("utf-8", errors="replace")
        return _checked(text, "utf_8")  # invalid bytes become U+FFFD, kept visible
    guessed = _guess_chinese_encoding(data)
    if guessed:
        return guessed
    raise IngestError(Refusals.UNDECODABLE, byte=utf8_error.start)


def _looks_like_bomless_utf16(data: bytes) -> Optional[str]:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    # ASCII-heavy UTF-16 has a NUL in every other byte; CJK-heavy UTF-16 does
    # not, so fall through to charset-normalizer for that.
    if odd_zeros > 0.4 and even_zeros < 0.05:
        return "utf_16_le"
    if even_zeros > 0.4 and odd_zeros < 0.05:
        return "utf_16_be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    return text.count("\ufffd") <= max(3, len(text) // 200)


def _guess_chinese_encoding(data: bytes) -> Optional[tuple[str, str]]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS) + ["utf_8"]).best()
    if best is None:
        return None
    try:
        return _checked(str(best), best.encoding)
    except IngestError:
        return None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if text and len(_BINARY_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise IngestError(Refusals.BINARY)
    return text, encoding
