"""`bank_pain001`: credit transfers to bank accounts as ISO 20022 `pain.001.001.09`, and the bank's
answer as a `pain.002.001.12` payment status report. Layout and choices: docs/payment-files.md.

The order is written as text from whole-column Polars expressions (one transaction per line), not
built as a tree: a national order has 4 million transactions. The report is read with a streaming,
schema-validating parse: a report that is not valid against the XSD is refused whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import BinaryIO

import polars as pl
from lxml import etree

from jisr.core.identifiers import rib_iban, rib_iban_expr
from jisr.payments.providers.base import (
    IDENTIFIER,
    PENDING_SCHEMA,
    RETURN_SCHEMA,
    OrderHeader,
    OrderSummary,
    Problem,
    Problems,
    ReturnFile,
    ReturnRefused,
)
from jisr.payments.providers.lines import checked_lines
from jisr.payments.providers.outcomes import outcome_lines
from jisr.payments.providers.pain002 import ReportParts, parse_report
from jisr.payments.providers.text import (
    DECIMAL_TEXT,
    HashingWriter,
    centimes_expr,
    check_utf8,
    mad_text_expr,
    xml_escape,
    xml_escape_expr,
)
from jisr.rules.money import from_centimes
from jisr.rules.money import text as mad_text

ORDER_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
REPORT_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"
SCHEMAS = Path(__file__).with_name("schemas")
# TxSts codes (ExternalPaymentTransactionStatus1Code). Settled: the creditor's account was
# credited (ACCC) or the debtor's bank settled it (ACSC); RJCT and CANC are final failures.
# Every other code is a step on the way: reported as pending, never as an outcome.
PAID_CODES = ("ACCC", "ACSC")
FAILED_CODES = ("RJCT", "CANC")
PENDING_CODES = (
    "ACCP", "ACFC", "ACIS", "ACPD", "ACSP", "ACTC", "ACWC", "ACWP", "BLCK", "PART", "PATC", "PDNG",
    "PRES", "RCVD",
)  # fmt: skip
SIMULATED_STATUS = {"paid": "ACCC", "failed": "RJCT", "pending": "PDNG"}
# AC01: incorrect account number, the usual reason a social transfer bounces.
DEFAULT_REASON = {"paid": None, "failed": "AC01", "pending": None}
_CHUNK_LINES = 200_000


@cache
def schema(name: str) -> etree.XMLSchema:
    """The XSD of `pain.001.001.09` or `pain.002.001.12`, parsed once per process."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


def _transactions(lines: pl.DataFrame, header: OrderHeader) -> Iterator[bytes]:
    remittance = xml_escape(f"{header.programme} {header.month} ")
    transaction = pl.concat_str(
        pl.lit("<CdtTrfTxInf><PmtId><EndToEndId>"),
        pl.col("reference"),  # IDENTIFIER characters: nothing to escape
        pl.lit('</EndToEndId></PmtId><Amt><InstdAmt Ccy="MAD">'),
        mad_text_expr(pl.col("amount")),
        pl.lit("</InstdAmt></Amt><Cdtr><Nm>"),
        xml_escape_expr(pl.col("beneficiary_name")),
        pl.lit("</Nm>"),
        # The national identity card number, when the beneficiary has one (optional in ISO 20022).
        pl.when(pl.col("beneficiary_cnie").is_not_null() & (pl.col("beneficiary_cnie") != ""))
        .then(
            pl.concat_str(
                pl.lit("<Id><PrvtId><Othr><Id>"),
                pl.col("beneficiary_cnie"),
                pl.lit("</Id><SchmeNm><Cd>NIDN</Cd></SchmeNm></Othr></PrvtId></Id>"),
            )
        )
        .otherwise(pl.lit("")),
        pl.lit("</Cdtr>"),
        pl.lit("<CdtrAcct><Id><IBAN>"),
        rib_iban_expr(pl.col("rib")),
        pl.lit("</IBAN></Id></CdtrAcct><RmtInf><Ustrd>"),
        pl.lit(remittance),
        xml_escape_expr(pl.col("household_id")),
        pl.lit("</Ustrd></RmtInf></CdtTrfTxInf>\n"),
    )
    for chunk in lines.iter_slices(_CHUNK_LINES):
        yield chunk.select(transaction.str.join("")).item().encode()


def _order_head(header: OrderHeader, count: int, total: int) -> str:
    debtor = xml_escape(header.debtor_name)
    sums = f"<NbOfTxs>{count}</NbOfTxs><CtrlSum>{mad_text(total)}</CtrlSum>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{ORDER_NAMESPACE}">\n<CstmrCdtTrfInitn>\n'
        f"<GrpHdr><MsgId>{header.message_id}</MsgId>"
        f"<CreDtTm>{header.created_at.isoformat(timespec='seconds')}</CreDtTm>{sums}"
        f"<InitgPty><Nm>{debtor}</Nm></InitgPty></GrpHdr>\n"
        # One debit for the cycle on the programme's account (batch booking); the beneficiary
        # gets the whole allowance, so the debtor bears every charge (DEBT). SSBE: social
        # security benefit.
        f"<PmtInf><PmtInfId>{header.message_id}</PmtInfId><PmtMtd>TRF</PmtMtd>"
        f"<BtchBookg>true</BtchBookg>{sums}"
        "<PmtTpInf><CtgyPurp><Cd>SSBE</Cd></CtgyPurp></PmtTpInf>"
        f"<ReqdExctnDt><Dt>{header.execution_date.isoformat()}</Dt></ReqdExctnDt>"
        f"<Dbtr><Nm>{debtor}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{rib_iban(header.debtor_rib)}</IBAN></Id><Ccy>MAD</Ccy></DbtrAcct>"
        f"<DbtrAgt><FinInstnId><BICFI>{header.debtor_agent_bic}</BICFI></FinInstnId></DbtrAgt>"
        "<ChrgBr>DEBT</ChrgBr>\n"
    )


class BankPain001:
    name = "bank_pain001"
    methods = frozenset({"bank"})
    extension = "xml"

    def write_order(self, header: OrderHeader, lines: pl.DataFrame, out: BinaryIO) -> OrderSummary:
        checked = checked_lines(lines, self.methods, self.name)
        total = int(checked["amount"].sum())
        writer = HashingWriter(out)
        writer.write(_order_head(header, checked.height, total).encode())
        for chunk in _transactions(checked, header):
            writer.write(chunk)
        writer.write(b"</PmtInf>\n</CstmrCdtTrfInitn>\n</Document>\n")
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
        """`outcomes` statuses: paid (ACCC), failed (RJCT), pending (PDNG)."""
        checked = checked_lines(lines, self.methods, self.name)
        results = outcome_lines(header, checked, outcomes, tuple(SIMULATED_STATUS), DEFAULT_REASON)
        results = results.with_columns(
            code=pl.col("status").replace_strict(SIMULATED_STATUS, return_dtype=pl.String)
        )
        created = (created_at or header.created_at).isoformat(timespec="seconds")
        head = _report_head(header, checked, results, created)
        reason = pl.col("reason_code")
        final = pl.col("status") != "pending"
        transaction = pl.concat_str(
            pl.lit("<TxInfAndSts><OrgnlEndToEndId>"),
            pl.col("reference"),
            pl.lit("</OrgnlEndToEndId><TxSts>"),
            pl.col("code"),
            pl.lit("</TxSts>"),
            # A reason of more than 4 characters is not an ISO code: it goes as proprietary.
            pl.when(reason.str.len_chars() <= 4)
            .then(pl.concat_str(pl.lit("<StsRsnInf><Rsn><Cd>"), reason, pl.lit("</Cd>")))
            .otherwise(pl.concat_str(pl.lit("<StsRsnInf><Rsn><Prtry>"), reason, pl.lit("</Prtry>")))
            .add(pl.lit("</Rsn></StsRsnInf>"))
            .fill_null(""),
            pl.when(final)
            .then(pl.concat_str(pl.lit("<AccptncDtTm>"), pl.col("date").dt.to_string("%Y-%m-%d"),
                                pl.lit("T12:00:00+01:00</AccptncDtTm>")))
            .otherwise(pl.lit("")),
            pl.when(pl.col("status") == "paid")
            .then(pl.concat_str(pl.lit("<AcctSvcrRef>"), pl.col("provider_txn_id"),
                                pl.lit("</AcctSvcrRef>")))
            .otherwise(pl.lit("")),
            pl.lit('<OrgnlTxRef><Amt><InstdAmt Ccy="MAD">'),
            mad_text_expr(pl.col("amount")),
            pl.lit("</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>\n"),
        )  # fmt: skip
        body = [
            chunk.select(transaction.str.join("")).item().encode()
            for chunk in results.iter_slices(_CHUNK_LINES)
        ]
        tail = b"</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n"
        return b"".join([head.encode(), *body, tail])

    def read_return(self, data: bytes, *, expected: OrderHeader | None = None) -> ReturnFile:
        _check_file(data)
        report = parse_report(data, schema("pain.002.001.12"), REPORT_NAMESPACE)
        problems = Problems()
        transactions = _transactions_checked(report, problems)
        _check_report(report, transactions, expected, problems)
        lines, pending = _outcomes(transactions)
        if problems:
            raise ReturnRefused(problems.collect())
        return ReturnFile(
            provider=self.name,
            message_id=report.message_id,
            order_message_id=report.order_message_id,
            created_at=dt.datetime.fromisoformat(report.created_at),
            lines=lines.select(RETURN_SCHEMA.keys()),
            pending=pending.select(PENDING_SCHEMA.keys()),
            group_status=report.group_status,
            group_reason=report.group_reason,
        )


def _report_head(
    header: OrderHeader, lines: pl.DataFrame, results: pl.DataFrame, created: str
) -> str:
    codes = set(results["code"].to_list())
    group = codes.pop() if len(codes) == 1 else "PDNG" if "PDNG" in codes else "PART"
    per_status = "".join(
        f"<NbOfTxsPerSts><DtldNbOfTxs>{count}</DtldNbOfTxs><DtldSts>{code}</DtldSts>"
        f"<DtldCtrlSum>{mad_text(amount)}</DtldCtrlSum></NbOfTxsPerSts>"
        for code, count, amount in results.group_by("code")
        .agg(pl.len(), pl.col("amount").sum())
        .sort("code")
        .iter_rows()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{REPORT_NAMESPACE}">\n<CstmrPmtStsRpt>\n'
        f"<GrpHdr><MsgId>{f'R{header.message_id}'[:35]}</MsgId><CreDtTm>{created}</CreDtTm>"
        "</GrpHdr>\n"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{header.message_id}</OrgnlMsgId>"
        "<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>"
        f"<OrgnlNbOfTxs>{lines.height}</OrgnlNbOfTxs>"
        f"<OrgnlCtrlSum>{mad_text(int(lines['amount'].sum()))}</OrgnlCtrlSum>"
        f"<GrpSts>{group if results.height else 'PDNG'}</GrpSts>{per_status}"
        "</OrgnlGrpInfAndSts>\n"
        f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{header.message_id}</OrgnlPmtInfId>\n"
    )


_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_END = re.compile(rb"</([A-Za-z_][\w.-]*:)?Document>\s*$")


def _check_file(data: bytes) -> None:
    """Refusals that do not need the parser: empty, not UTF-8, cut short."""
    if not data.strip():
        raise ReturnRefused([Problem(0, None, "", "empty_file")])
    check_utf8(data)
    declared = _DECLARATION.match(data[:200])
    if declared and declared.group(1).decode().upper() not in ("UTF-8", "UTF8"):
        raise ReturnRefused([Problem(1, None, "", "not_utf8", declared.group(1).decode())])
    if not _END.search(data[-200:]):
        raise ReturnRefused([Problem(data.count(b"\n") + 1, None, "", "truncated")])


def _transactions_checked(report: ReportParts, problems: Problems) -> pl.DataFrame:
    """The report's transactions with their amount in centimes and date; problems for the bad."""
    frame = report.transactions
    status = pl.col("status_code")
    checks = [
        ("reference", "required", None, pl.col("reference").is_not_null()),
        ("reference", "identifier", None, pl.col("reference").str.contains(f"^{IDENTIFIER}$")),
        ("reference", "duplicate_reference", None, ~pl.col("reference").is_duplicated()),
        ("TxSts", "status", "ISO 20022 ExternalPaymentTransactionStatus1Code",
         status.is_in((*PAID_CODES, *FAILED_CODES, *PENDING_CODES))),
        ("InstdAmt", "amount", None, pl.col("amount_text").str.contains(DECIMAL_TEXT)),
        ("InstdAmt", "currency", "MAD", pl.col("currency") == "MAD"),
    ]  # fmt: skip
    for field, code, detail, ok in checks:
        failed = frame.filter(~ok.fill_null(code != "required"))
        if code == "duplicate_reference":
            text = pl.col("line").cast(pl.String).str.join(", ").over("reference")
        else:
            text = pl.lit(detail, pl.String)
        problems.frame(
            failed.select("line", "reference", field=pl.lit(field), code=pl.lit(code), detail=text)
        )
    return frame.with_columns(
        amount=centimes_expr(pl.col("amount_text"), DECIMAL_TEXT),
        # The local date of acceptance as the bank wrote it; else the report's own date.
        date=pl.coalesce(pl.col("accepted_at"), pl.lit(report.created_at))
        .str.slice(0, 10)
        .str.to_date("%Y-%m-%d", strict=False),
    )


def _outcomes(transactions: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Final outcomes (paid, failed) and the lines still pending."""
    status = pl.col("status_code")
    lines = transactions.filter(status.is_in((*PAID_CODES, *FAILED_CODES))).with_columns(
        status=pl.when(status.is_in(PAID_CODES)).then(pl.lit("paid")).otherwise(pl.lit("failed")),
        reason_code=pl.when(status.is_in(FAILED_CODES)).then(
            pl.coalesce(pl.col("reason_code"), status)
        ),
        provider_txn_id=pl.when(status.is_in(PAID_CODES)).then(pl.col("provider_txn_id")),
    )
    pending = transactions.filter(status.is_null() | status.is_in(PENDING_CODES))
    return lines, pending


def _check_report(
    report: ReportParts,
    transactions: pl.DataFrame,
    expected: OrderHeader | None,
    problems: Problems,
) -> None:
    try:
        if dt.datetime.fromisoformat(report.created_at).utcoffset() is None:
            problems.add(report.header_line, "CreDtTm", "naive_datetime")
    except ValueError:
        problems.add(report.header_line, "CreDtTm", "datetime")
    if not report.order_name.startswith("pain.001"):
        problems.add(report.order_line, "OrgnlMsgNmId", "format", "pain.001.001.09")
    if expected is not None and report.order_message_id != expected.message_id:
        problems.add(report.order_line, "OrgnlMsgId", "message_id", expected.message_id)
    for line, code, count, control in report.per_status:
        mine = transactions.filter(pl.col("status_code") == code)
        if mine.height != count:
            problems.add(line, "NbOfTxsPerSts", "control_total", f"{code}: {count} ≠ {mine.height}")
        found = int(mine["amount"].sum())
        if control is not None and Decimal(control) != from_centimes(found):
            detail = f"{code}: {control} ≠ {mad_text(found)}"
            problems.add(line, "NbOfTxsPerSts", "control_total", detail)
