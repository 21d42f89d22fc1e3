"""Telling UTF-16 text from UTF-8: files a spreadsheet or Windows PowerShell wrote (the CLI's data, constraint
and word files, and model JSON) are named as UTF-16, with how to save them as UTF-8."""

from __future__ import annotations


def utf16_name(data: bytes) -> str | None:
    """The name of UTF-16 where ``data`` is UTF-16 text (a spreadsheet's 'Unicode Text' export, Windows
    PowerShell's ``>``): by its byte-order mark, or, without one, by a NUL in every other byte of its
    first characters (ASCII text, as a CSV's header and numbers are). None otherwise."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    head = data[:min(len(data), 4096) // 2 * 2]  # whole characters of two bytes
    if len(head) < 4:
        return None
    for name, nul, other in (("UTF-16LE", head[1::2], head[0::2]), ("UTF-16BE", head[0::2], head[1::2])):
        if not nul.strip(b"\x00") and b"\x00" not in other:
            return name
    return None


def utf16_text(data: bytes, where: str) -> str | None:
    """The error for a file (``where`` names it) whose ``data`` is UTF-16 text, saying to save it as UTF-8;
    None when it is not UTF-16."""
    encoding = utf16_name(data)
    return None if encoding is None else \
        f"{where} is {encoding} text, not UTF-8: save it as UTF-8 (iconv -f {encoding} -t UTF-8)"
