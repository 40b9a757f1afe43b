"""COPY's ENCODING for data read or written as bytes (a ``\\copy`` file or program,
``pstdin``): the bytes are decoded from the named encoding (UTF8 without the option), and a
byte sequence that is not valid there is PostgreSQL's ``invalid byte sequence for encoding
"UTF8": 0xe9 0x0a`` (22021); written text is encoded to it, a character it lacks being
``character with byte sequence 0xe2 0x9c 0x93 in encoding "UTF8" has no equivalent in encoding
"LATIN1"`` (22P05).

Text that is already decoded (the script's own lines) is taken as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from fdwsh.errors import FdwshError

#: PostgreSQL encoding names (lower case, as written in the option) → Python codecs; the
#: value after the codec is the name PostgreSQL prints.
_SINGLE = {f"latin{n}": f"iso8859-{c}" for n, c in
           zip(range(1, 11), (1, 2, 3, 4, 9, 10, 13, 14, 15, 16))}
CODECS: dict[str, str] = {
    "utf8": "utf-8", "unicode": "utf-8", "utf_8": "utf-8", "sql_ascii": "latin-1",
    **_SINGLE, **{f"win{n}": f"cp{n}" for n in (866, 874, 1250, 1251, 1252, 1253, 1254, 1255,
                                                  1256, 1257, 1258)},
    **{f"iso_8859_{n}": f"iso8859-{n}" for n in (5, 6, 7, 8)},
    "koi8r": "koi8-r", "koi8": "koi8-r", "koi8u": "koi8-u", "euc_jp": "euc-jp",
    "euc_kr": "euc-kr", "euc_cn": "gb2312", "sjis": "shift_jis", "shift_jis_2004":
    "shift_jis_2004", "euc_jis_2004": "euc_jis_2004", "big5": "big5", "gbk": "gbk",
    "uhc": "cp949", "gb18030": "gb18030", "johab": "johab",
}


def _canonical(name: str) -> str:
    """The name PostgreSQL prints for an encoding (``UTF8``, ``LATIN1``, ``WIN1252`` …)."""
    lower = name.lower().replace("-", "_")
    return {"unicode": "UTF8", "utf_8": "UTF8", "koi8": "KOI8R"}.get(lower, lower.upper())


def _codec(encoding: str | None) -> tuple[str, str]:
    """(the name PostgreSQL prints, the Python codec) of an ENCODING option (None: UTF8)."""
    name = _canonical(encoding or "UTF8")
    return name, CODECS.get(name.lower(), "utf-8")


def _utf8_length(lead: int) -> int:
    return 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if lead >= 0xF0 else 1


def decoder(encoding: str | None) -> Callable[[bytes], str]:
    """bytes → text in ``encoding`` (None: UTF8), raising PostgreSQL's error when invalid."""
    name, codec = _codec(encoding)

    def decode(data: bytes) -> str:
        try:
            return data.decode(codec)
        except UnicodeDecodeError as exc:
            length = _utf8_length(data[exc.start]) if codec == "utf-8" else 2
            shown = " ".join(f"0x{b:02x}" for b in data[exc.start:exc.start + length])
            raise FdwshError(f'invalid byte sequence for encoding "{name}": {shown}',
                             sqlstate="22021") from None

    return decode


def encoder(encoding: str | None) -> Callable[[str], bytes]:
    """text → bytes in ``encoding`` (None: UTF8), raising PostgreSQL's error for a character
    the encoding has not."""
    name, codec = _codec(encoding)

    def encode(text: str) -> bytes:
        try:
            return text.encode(codec)
        except UnicodeEncodeError as exc:
            shown = " ".join(f"0x{b:02x}" for b in text[exc.start].encode())
            raise FdwshError(f'character with byte sequence {shown} in encoding "UTF8" has no '
                             f'equivalent in encoding "{name}"', sqlstate="22P05") from None

    return encode
