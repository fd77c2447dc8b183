"""Text shared by the formats: money as text and back (whole columns), XML escaping, UTF-8 checks,
and a writer that hashes what it writes."""

from __future__ import annotations

import codecs
import hashlib
from typing import Protocol
from xml.sax.saxutils import escape

import polars as pl

from jisr.payments.providers.base import Problem, ReturnRefused

# MAD with exactly two decimals, as the CSV formats write them: "1308.00".
MAD_TEXT = r"^(0|[1-9][0-9]{0,15})\.[0-9]{2}$"
# xs:decimal as a bank may write it: "1308", "1308.5", "1308.50" (never more than two decimals
# for MAD: a fraction of a centime is refused, not rounded).
DECIMAL_TEXT = r"^[0-9]{1,16}(\.[0-9]{1,2})?$"
_DECODE_CHUNK = 1 << 24


def mad_text_expr(centimes: pl.Expr) -> pl.Expr:
    """Non-negative Int64 centimes -> "123.45"."""
    return pl.concat_str(
        (centimes // 100).cast(pl.String),
        pl.lit("."),
        (centimes % 100).cast(pl.String).str.zfill(2),
    )


def centimes_expr(text: pl.Expr, pattern: str = MAD_TEXT) -> pl.Expr:
    """Decimal text -> Int64 centimes; null where the text does not match `pattern`."""
    parts = text.str.split_exact(".", 1)
    units = parts.struct.field("field_0").cast(pl.Int64, strict=False)
    cents = parts.struct.field("field_1").fill_null("").str.pad_end(2, "0")
    value = units * 100 + cents.cast(pl.Int64, strict=False)
    return pl.when(text.str.contains(pattern)).then(value)


def xml_escape_expr(text: pl.Expr) -> pl.Expr:
    """Escape XML text content ('&' first, so that the others are not escaped twice)."""
    return (
        text.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def xml_escape(text: str) -> str:
    return escape(text)


def _undecodable(data: bytes, error: UnicodeDecodeError, offset: int) -> ReturnRefused:
    line = data.count(b"\n", 0, offset + error.start) + 1
    return ReturnRefused([Problem(line, None, "", "not_utf8", str(line))])


def decode_utf8(data: bytes) -> str:
    """The text of `data` (without a byte order mark), or ReturnRefused naming the first line
    that is not UTF-8."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise _undecodable(data, error, 0) from None


def check_utf8(data: bytes) -> None:
    """As `decode_utf8`, by chunks, keeping nothing: for files too large to hold twice."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    for offset in range(0, len(data), _DECODE_CHUNK):
        chunk = data[offset : offset + _DECODE_CHUNK]
        # The decoder holds back a sequence cut by the previous chunk boundary and counts the
        # error's position from those held bytes.
        held = len(decoder.getstate()[0])
        try:
            decoder.decode(chunk, final=offset + _DECODE_CHUNK >= len(data))
        except UnicodeDecodeError as error:
            raise _undecodable(data, error, offset - held) from None


class Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class HashingWriter:
    """Writes to `out` and keeps the SHA-256 and size of everything written."""

    def __init__(self, out: Sink) -> None:
        self.out = out
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)
        self.out.write(data)

    def hexdigest(self) -> str:
        return self.sha.hexdigest()
