"""`cash_wallet_csv`: a transfer network or postal bank that pays to mobile wallets and as cash
collected at an agency with a pickup code. Layout: docs/payment-files.md.

Both files are UTF-8 CSV with LF line ends: a header block of `#key,value` lines (control totals
and the SHA-256 of the body), then the body: a line of column names and one line per payment.
Readers that skip `#` lines (most CSV tools) see a plain CSV.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

import polars as pl

from jisr.payments.providers.base import (
    IDENTIFIER,
    IDENTIFIER_PATTERN,
    RETURN_SCHEMA,
    STATUSES,
    OrderHeader,
    OrderSummary,
    Problem,
    Problems,
    ReturnFile,
    ReturnRefused,
)
from jisr.payments.providers.lines import checked_lines
from jisr.payments.providers.outcomes import outcome_lines
from jisr.payments.providers.text import (
    MAD_TEXT,
    HashingWriter,
    centimes_expr,
    decode_utf8,
    mad_text_expr,
)
from jisr.rules.money import text as mad_text

ORDER_FORMAT = "jisr-cash-wallet-order,1"
RETURN_FORMAT = "jisr-cash-wallet-return,1"
ORDER_COLUMNS = (
    "reference",
    "household_id",
    "beneficiary_name",
    "beneficiary_cnie",
    "method",
    "phone",
    "pickup_code",
    "amount_mad",
    "region_code",
)
RETURN_COLUMNS = ("reference", "status", "amount_mad", "reason_code", "provider_txn_id", "date")
RETURN_HEADER_KEYS = (
    "message_id",
    "order_message_id",
    "created_at",
    "line_count",
    "total_mad",
    *(f"{status}_{what}" for status in STATUSES for what in ("count", "mad")),
    "body_sha256",
)
REASON_CODE = r"^[A-Z0-9_]{1,16}$"
DEFAULT_REASON = {"paid": None, "failed": "FAILED", "unclaimed": "EXPIRED"}
_CHUNK_LINES = 500_000
_COPY_BYTES = 1 << 22
_COUNT = re.compile(r"^(0|[1-9][0-9]{0,14})$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAD = re.compile(MAD_TEXT)


def _header_block(fields: list[tuple[str, str]]) -> bytes:
    return "".join(f"#{key},{value}\n" for key, value in fields).encode()


def _order_body_chunks(lines: pl.DataFrame) -> Iterator[bytes]:
    yield (",".join(ORDER_COLUMNS) + "\n").encode()
    columns = [
        pl.col(name) if name != "amount_mad" else mad_text_expr(pl.col("amount")).alias(name)
        for name in ORDER_COLUMNS
    ]
    for chunk in lines.iter_slices(_CHUNK_LINES):
        # Polars' CSV writer quotes the few names with a comma or a quote, as RFC 4180 says.
        yield chunk.select(columns).write_csv(include_header=False).encode()


class CashWalletCsv:
    name = "cash_wallet_csv"
    methods = frozenset({"wallet", "cash"})
    extension = "csv"

    def write_order(self, header: OrderHeader, lines: pl.DataFrame, out: BinaryIO) -> OrderSummary:
        checked = checked_lines(lines, self.methods, self.name)
        total = int(checked["amount"].sum())
        # The header carries the body's checksum, so the body is spooled (to disk, bounded
        # memory) before the first byte goes out.
        with tempfile.TemporaryFile() as spool:
            body = HashingWriter(spool)
            for chunk in _order_body_chunks(checked):
                body.write(chunk)
            fields = [
                ("format", ORDER_FORMAT),
                ("message_id", header.message_id),
                ("cycle_id", header.cycle_id),
                ("programme", header.programme),
                ("month", header.month),
                ("created_at", header.created_at.isoformat()),
                ("execution_date", header.execution_date.isoformat()),
                ("debtor_name", header.debtor_name),
                ("debtor_rib", header.debtor_rib),
                ("debtor_agent_bic", header.debtor_agent_bic),
                ("line_count", str(checked.height)),
                ("total_mad", mad_text(total)),
                ("body_sha256", body.hexdigest()),
            ]
            writer = HashingWriter(out)
            writer.write(_header_block(fields))
            spool.seek(0)
            while block := spool.read(_COPY_BYTES):
                writer.write(block)
        return OrderSummary(
            count=checked.height,
            total=total,
            sha256=writer.hexdigest(),
            size=writer.size,
            file_name=f"{header.message_id}.{self.extension}",
        )

    def simulate_return(
        self,
        header: OrderHeader,
        lines: pl.DataFrame,
        outcomes: pl.DataFrame,
        *,
        created_at: dt.datetime | None = None,
    ) -> bytes:
        """`outcomes` statuses: paid, failed, unclaimed."""
        checked = checked_lines(lines, self.methods, self.name)
        results = outcome_lines(header, checked, outcomes, STATUSES, DEFAULT_REASON)
        body = (",".join(RETURN_COLUMNS) + "\n").encode() + results.select(
            "reference",
            "status",
            mad_text_expr(pl.col("amount")).alias("amount_mad"),
            pl.when(pl.col("status") != "paid").then(pl.col("reason_code")).alias("reason_code"),
            pl.when(pl.col("status") == "paid").then(pl.col("provider_txn_id")),
            pl.col("date").dt.to_string("%Y-%m-%d"),
        ).write_csv(include_header=False).encode()
        totals = results.group_by("status").agg(count=pl.len(), amount=pl.col("amount").sum())
        by_status = {row[0]: (row[1], row[2]) for row in totals.iter_rows()}
        fields = [
            ("format", RETURN_FORMAT),
            ("message_id", f"R{header.message_id}"[:35]),
            ("order_message_id", header.message_id),
            ("created_at", (created_at or header.created_at).isoformat()),
            ("line_count", str(results.height)),
            ("total_mad", mad_text(int(results["amount"].sum()))),
        ]
        for status in STATUSES:
            count, amount = by_status.get(status, (0, 0))
            fields += [(f"{status}_count", str(count)), (f"{status}_mad", mad_text(amount))]
        fields.append(("body_sha256", hashlib.sha256(body).hexdigest()))
        return _header_block(fields) + body

    def read_return(self, data: bytes, *, expected: OrderHeader | None = None) -> ReturnFile:
        text = decode_utf8(data)
        if not text.strip():
            raise ReturnRefused([Problem(0, None, "", "empty_file")])
        problems = Problems()
        fields, lines_in_header, body_start = _read_header(text, problems)
        body = text[body_start:]
        if not problems:
            _check_header(fields, lines_in_header, expected, problems)
        if "body_sha256" in fields:
            digest = hashlib.sha256(body.encode()).hexdigest()
            if digest != fields["body_sha256"]:
                problems.add(lines_in_header["body_sha256"], "body_sha256", "checksum")
        first_line = len(lines_in_header) + 1
        rows = _read_body(body, first_line, problems)
        if rows is not None:
            _check_totals(rows, fields, lines_in_header, problems)
        if problems or rows is None:  # no rows: a problem says why
            raise ReturnRefused(problems.collect())
        return ReturnFile(
            provider=self.name,
            message_id=fields["message_id"],
            order_message_id=fields["order_message_id"],
            created_at=dt.datetime.fromisoformat(fields["created_at"]),
            lines=rows.select(RETURN_SCHEMA.keys()),
        )


def _read_header(text: str, problems: Problems) -> tuple[dict[str, str], dict[str, int], int]:
    """The `#key,value` lines: values, line of each key, and where the body starts."""
    fields: dict[str, str] = {}
    where: dict[str, int] = {}
    position = 0
    line = 0
    while position < len(text) and text[position] == "#":
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        line += 1
        key, _, value = text[position + 1 : end].rstrip("\r").partition(",")
        if key in fields:
            problems.add(line, key, "duplicate_header", str(where[key]))
        fields[key], where[key] = value, line
        position = end + 1
    if not fields:
        problems.add(1, "", "no_header", ", ".join(("format", *RETURN_HEADER_KEYS)))
        return fields, where, position
    if fields.get("format") != RETURN_FORMAT:
        found = fields.get("format")
        if found is None:
            problems.add(where.get("format", 0), "format", "missing_header")
        else:
            problems.add(where["format"], "format", "format", RETURN_FORMAT)
    for key in RETURN_HEADER_KEYS:
        if key not in fields:
            problems.add(0, key, "missing_header")
    return fields, where, position


def _check_header(
    fields: dict[str, str],
    where: dict[str, int],
    expected: OrderHeader | None,
    problems: Problems,
) -> None:
    for key in ("message_id", "order_message_id"):
        if not IDENTIFIER_PATTERN.fullmatch(fields[key]):
            problems.add(where[key], key, "identifier")
    try:
        if dt.datetime.fromisoformat(fields["created_at"]).utcoffset() is None:
            problems.add(where["created_at"], "created_at", "naive_datetime")
    except ValueError:
        problems.add(where["created_at"], "created_at", "datetime")
    for key in RETURN_HEADER_KEYS:
        if key.endswith("_count") and not _COUNT.fullmatch(fields[key]):
            problems.add(where[key], key, "count")
        if key.endswith("_mad") and not _MAD.fullmatch(fields[key]):
            problems.add(where[key], key, "amount")
    if not _SHA256.fullmatch(fields["body_sha256"]):
        problems.add(where["body_sha256"], "body_sha256", "sha256")
    if expected is not None and fields["order_message_id"] != expected.message_id:
        problems.add(
            where["order_message_id"], "order_message_id", "message_id", expected.message_id
        )


def _read_body(body: str, first_line: int, problems: Problems) -> pl.DataFrame | None:
    """The body's rows as a frame (RETURN_SCHEMA); None when there is no body to read."""
    if not body.endswith("\n"):
        problems.add(first_line + body.count("\n"), "", "truncated")
    column_line, _, rows_text = body.partition("\n")
    if column_line.rstrip("\r") != ",".join(RETURN_COLUMNS):
        problems.add(first_line, "", "columns", ",".join(RETURN_COLUMNS))
        return None
    raw = pl.Series("text", [rows_text.removesuffix("\n")]).str.split("\n").explode()
    if rows_text == "":
        raw = raw.clear()
    frame = (
        pl.DataFrame([raw.str.strip_suffix("\r")])
        .with_row_index("line", offset=first_line + 1)
        .cast({"line": pl.Int64})
    )
    shaped = frame.select(
        "line",
        fields=pl.col("text").str.count_matches(",", literal=True) + 1,
        parts=pl.col("text").str.split_exact(",", len(RETURN_COLUMNS) - 1),
    ).unnest("parts")
    shaped = shaped.rename({f"field_{i}": name for i, name in enumerate(RETURN_COLUMNS)})
    bad_shape = shaped.filter(pl.col("fields") != len(RETURN_COLUMNS))
    problems.frame(
        bad_shape.select(
            "line",
            reference=pl.lit(None, pl.String),
            field=pl.lit(""),
            code=pl.lit("field_count"),
            detail=pl.col("fields").cast(pl.String),
        )
    )
    rows = shaped.filter(pl.col("fields") == len(RETURN_COLUMNS)).select(
        "line",
        "reference",
        "status",
        "amount_mad",
        pl.col("reason_code").replace("", None),
        pl.col("provider_txn_id").replace("", None),
        pl.col("date").alias("date_text"),
        amount=centimes_expr(pl.col("amount_mad")),
        date=pl.col("date").str.to_date("%Y-%m-%d", strict=False),
    )
    _check_rows(rows, problems)
    return rows


def _check_rows(rows: pl.DataFrame, problems: Problems) -> None:
    status = pl.col("status")
    reason, txn_id = pl.col("reason_code"), pl.col("provider_txn_id")
    date_text = pl.col("date_text").str.contains(r"^\d{4}-\d{2}-\d{2}$")
    checks = [
        ("reference", "identifier", None, pl.col("reference").str.contains(f"^{IDENTIFIER}$")),
        ("status", "status", ", ".join(STATUSES), status.is_in(STATUSES)),
        ("amount_mad", "amount", None, (pl.col("amount") > 0).fill_null(False)),
        ("reason_code", "required", "failed", (status != "failed") | reason.is_not_null()),
        ("reason_code", "reason_code", None, reason.str.contains(REASON_CODE)),
        ("provider_txn_id", "required", "paid", (status != "paid") | txn_id.is_not_null()),
        ("provider_txn_id", "identifier", None, txn_id.str.contains(f"^{IDENTIFIER}$")),
        ("date", "date", None, pl.col("date").is_not_null() & date_text),
        ("reference", "duplicate_reference", None, ~pl.col("reference").is_duplicated()),
    ]  # fmt: skip
    for field, code, detail, ok in checks:
        failed = rows.filter(~ok.fill_null(True))
        if code == "duplicate_reference":
            lines = pl.col("line").cast(pl.String).str.join(", ").over("reference")
        else:
            lines = pl.lit(detail, pl.String)
        problems.frame(
            failed.select("line", "reference", field=pl.lit(field), code=pl.lit(code), detail=lines)
        )


def _check_totals(
    rows: pl.DataFrame, fields: dict[str, str], where: dict[str, int], problems: Problems
) -> None:
    found: dict[str, int] = {"line_count": rows.height, "total_mad": int(rows["amount"].sum())}
    for status in STATUSES:
        mine = rows.filter(pl.col("status") == status)
        found[f"{status}_count"] = mine.height
        found[f"{status}_mad"] = int(mine["amount"].sum())
    for key, value in found.items():
        given = fields.get(key, "")
        shown = mad_text(value) if key.endswith("_mad") else str(value)
        well_formed = _COUNT if key.endswith("_count") else _MAD
        if well_formed.fullmatch(given) and given != shown:
            problems.add(where[key], key, "control_total", f"{given} ≠ {shown}")
