"""Bytes to text: encodings are detected from the bytes (BOMs first, then
strict UTF-8, then charset-normalizer restricted to the encodings a Chinese
newsroom produces), never guessed from the file's extension."""
from __future__ import annotations

import re
from typing import NamedTuple, Optional

from pipeline.config import BadBytes
from pipeline.errors import IngestError, Refusals

# Candidates for text without a BOM that is not valid UTF-8, in order of preference.
CHINESE_ENCODINGS = ("gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be")

# A share of these in decoded text means the bytes were not text at all.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

_REPLACEMENT = "\ufffd"

_BOMS = (
    (b"\xef\xbb\xbf", "utf_8_sig"),
    (b"\xff\xfe", "utf_16"),
    (b"\xfe\xff", "utf_16"),
)


class Decoded(NamedTuple):
    text: str
    encoding: str
    replaced: int = 0  # byte sequences not valid in the encoding, now U+FFFD in the text


def decode_bytes(data: bytes, limits: BadBytes = BadBytes()) -> Decoded:
    """The text, the encoding it was read with and how many bad byte sequences were replaced.

    A text whose encoding is clear keeps up to ``limits``' share of bad bytes (a truncated
    last character, a damaged copy) as U+FFFD; beyond that it is refused as undecodable.
    """
    if not data.strip():
        raise IngestError(Refusals.EMPTY, part="file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_replacing(data, encoding), limits)
    utf16 = _looks_like_bomless_utf16(data)
    if utf16:
        return _checked(_replacing(data, utf16), limits)
    try:
        return _checked(Decoded(data.decode("utf-8", errors="strict"), "utf_8"), limits)
    except UnicodeDecodeError as error:
        utf8_error = error
    # UTF-8 with a few damaged bytes stays UTF-8: GB18030 would decode the same bytes
    # "successfully" into nonsense.
    as_utf8 = _replacing(data, "utf_8")
    if _within(as_utf8, limits):
        return _checked(as_utf8, limits)
    guessed = _guess_chinese_encoding(data, limits)
    if guessed:
        return guessed
    raise IngestError(Refusals.UNDECODABLE, byte=utf8_error.start)


def _replacing(data: bytes, encoding: str) -> Decoded:
    text = data.decode(encoding, errors="replace")
    replaced = text.count(_REPLACEMENT)
    if encoding == "utf_8":  # a U+FFFD written in the file is text, not damage
        replaced -= data.count(_REPLACEMENT.encode("utf-8"))
    return Decoded(text, encoding, replaced)


def _within(decoded: Decoded, limits: BadBytes) -> bool:
    return decoded.replaced <= max(limits.at_least, limits.share * len(decoded.text))


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


def _guess_chinese_encoding(data: bytes, limits: BadBytes) -> Optional[Decoded]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CHINESE_ENCODINGS) + ["utf_8"]).best()
    if best is not None:
        try:
            return _checked(Decoded(str(best), best.encoding), limits)
        except IngestError:
            return None
    # charset-normalizer gives up on a page with a single bad byte; the Chinese
    # encodings, tried with the damage replaced, read it if the damage is small.
    for encoding in CHINESE_ENCODINGS[:2]:
        text = data.decode(encoding, errors="replace")
        decoded = Decoded(text, encoding, text.count(_REPLACEMENT))
        if decoded.replaced and _within(decoded, limits):
            try:
                return _checked(decoded, limits)
            except IngestError:
                continue
    return None


def _checked(decoded: Decoded, limits: BadBytes) -> Decoded:
    text = decoded.text
    if text and len(_BINARY_CONTROL.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise IngestError(Refusals.BINARY)
    if not _within(decoded, limits):
        raise IngestError(Refusals.UNDECODABLE_SHARE, count=decoded.replaced, encoding=decoded.encoding)
    return decoded
