"""Reading a published file: bytes decoded to text, and the one stored form of a text."""

from __future__ import annotations

import unicodedata

_BOM = "\ufeff"
# Characters `str.strip()` leaves alone but that are invisible padding in scraped text.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Share of control characters above which a "text" is taken to be binary data.
_MAX_CONTROL_SHARE = 0.05


def _is_space(ch: str) -> bool:
    """Whitespace, no-break spaces included, or invisible padding."""
    return ch.isspace() or ch in _INVISIBLE


class UnreadableDocument(ValueError):
    """The bytes are not a readable text document (binary, or empty)."""


def decode_bytes(data: bytes) -> str:
    """Decode a published file: UTF-8 (with or without BOM), else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # UTF-16 with a BOM is text even though it is full of NUL bytes.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableDocument(
                f"the document starts with a UTF-16 byte order mark but is not UTF-16 ({exc.reason})"
            ) from None
    elif b"\x00" in data:
        raise UnreadableDocument("the document is binary data (it contains NUL bytes)")
    else:
        text = _decode_8bit(data)
    text = text.removeprefix(_BOM)
    if all(_is_space(ch) for ch in text):
        raise UnreadableDocument("the document is empty (no text besides whitespace)")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise UnreadableDocument("the document is binary data (too many control characters)")
    return text


def _decode_8bit(data: bytes) -> str:
    """UTF-8 when valid, else cp1252, the usual encoding of legacy Western files."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # The five bytes cp1252 leaves undefined: Latin-1 maps them to C1 controls,
        # which the control-character check then weighs like any other.
        return data.decode("latin-1")


def _control_share(text: str) -> float:
    """The share of control characters other than ordinary whitespace."""
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v")
    return controls / len(text)


def normalize_text(text: str) -> str:
    """The stored form of a text: no BOM, `\\n` line endings. Offsets refer to this form."""
    return text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n")
