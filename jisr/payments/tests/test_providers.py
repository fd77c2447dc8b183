"""Payment provider files: orders written from payment lines, returns read back, every refusal with
its code and place; a round trip (order → simulated return → read) gives back the outcomes, and
two writes of one order are byte-identical."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
from collections.abc import Callable
from typing import TypeVar

import polars as pl
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from jisr.core.identifiers import rib_key
from jisr.payments.providers import (
    PROVIDERS,
    OrderHeader,
    OrderRefused,
    Provider,
    ReturnRefused,
    UnknownProvider,
    provider,
    unknown_references,
)
from jisr.payments.providers.bank_pain001 import schema
from jisr.payments.providers.base import CODES, ProviderFileError
from jisr.payments.providers.reasons import PROBLEMS, problem_text, problem_texts
from jisr.payments.providers.text import xml_escape_expr

E = TypeVar("E", bound=ProviderFileError)
BANK = provider("bank_pain001")
CASH_WALLET = provider("cash_wallet_csv")
HEADER = OrderHeader(
    message_id="ASD-2026-03-C7",
    cycle_id="7",
    programme="ASD",
    month="2026-03",
    created_at=dt.datetime(2026, 3, 20, 9, 30, tzinfo=dt.UTC),
    execution_date=dt.date(2026, 3, 25),
    debtor_name="Agence Nationale du Registre Social",
    debtor_rib="011519000001205000534921",
    debtor_agent_bic="BKAMMAMR",
)
NAMES = ["Fatima Zahra El Idrissi", "Aïcha Benali", "Hélène O'Brien-Tazi", "Omar Chraïbi"]


def a_rib(number: int) -> str:
    body = f"{number:022d}"
    return body + rib_key(body)


def payment_lines(methods: list[str], amounts: list[int] | None = None) -> pl.DataFrame:
    count = len(methods)
    amounts = amounts or [50_000 + 1_000 * i for i in range(count)]
    return pl.DataFrame(
        {
            "reference": [f"P{i:06d}" for i in range(count)],
            "household_id": [f"{1_000_000_000 + i}" for i in range(count)],
            "beneficiary_name": [NAMES[i % len(NAMES)] for i in range(count)],
            "beneficiary_cnie": [f"BK{100_000 + i}" for i in range(count)],
            "method": methods,
            "rib": [a_rib(7_000 + i) if m == "bank" else None for i, m in enumerate(methods)],
            "phone": [f"+21261{i:07d}" if m == "wallet" else None for i, m in enumerate(methods)],
            "pickup_code": [f"PK{i:06d}" if m == "cash" else None for i, m in enumerate(methods)],
            "amount": pl.Series(amounts, dtype=pl.Int64),
            "region_code": [f"{1 + i % 12:02d}" for i in range(count)],
        },
        schema_overrides={"rib": pl.String, "phone": pl.String, "pickup_code": pl.String},
    )


def written(target: Provider, lines: pl.DataFrame) -> bytes:
    out = io.BytesIO()
    target.write_order(HEADER, lines, out)
    return out.getvalue()


def refusal(error: type[E], call: Callable[..., object], *args: object, **kwargs: object) -> E:
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert caught.value.codes() <= CODES, caught.value.codes() - CODES
    return caught.value


def problem_rows(refused: ProviderFileError) -> set[tuple[object, ...]]:
    return {(p.line, p.reference, p.field, p.code) for p in refused.first(100)}


# --- the package ------------------------------------------------------------------------------


def test_providers_other_than_reasons_do_not_import_django() -> None:
    modules = [
        "jisr.payments.providers",
        "jisr.payments.providers.base",
        "jisr.payments.providers.lines",
        "jisr.payments.providers.text",
        "jisr.payments.providers.outcomes",
        "jisr.payments.providers.pain002",
        "jisr.payments.providers.bank_pain001",
        "jisr.payments.providers.cash_wallet_csv",
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'django')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "", f"Django imported: {done.stdout}"


def test_providers_are_registered_by_name() -> None:
    assert set(PROVIDERS) == {"bank_pain001", "cash_wallet_csv"}
    assert BANK.methods == {"bank"}
    assert CASH_WALLET.methods == {"wallet", "cash"}
    with pytest.raises(UnknownProvider, match="bank_pain001"):
        provider("carrier_pigeon")


def test_every_problem_code_has_a_translatable_message() -> None:
    assert set(PROBLEMS) == CODES
    with translation.override("en"):
        assert "lines 3, 9" in problem_text("duplicate_reference", "3, 9")
    with translation.override("fr"):
        assert "lignes 3, 9" in problem_text("duplicate_reference", "3, 9")
    refused = OrderRefused([])
    assert problem_texts(refused.first()) == []


# --- the order header and lines ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"message_id": "X" * 36}, "message_id", "identifier"),
        ({"message_id": "ASD/2026"}, "message_id", "identifier"),
        ({"month": "2026-13"}, "month", "month"),
        ({"created_at": dt.datetime(2026, 3, 20, 9, 30)}, "created_at", "naive_datetime"),  # noqa: DTZ001
        ({"debtor_rib": "011519000001205000534922"}, "debtor_rib", "rib"),
        ({"debtor_agent_bic": "BKAM"}, "debtor_agent_bic", "bic"),
        ({"debtor_name": "Agence\nNationale"}, "debtor_name", "text"),
    ],
)
def test_an_order_header_is_refused_field_by_field(
    change: dict[str, object], field: str, code: str
) -> None:
    values = {name: getattr(HEADER, name) for name in HEADER.__dataclass_fields__}
    refused = refusal(OrderRefused, OrderHeader, **{**values, **change})
    assert problem_rows(refused) == {(0, None, field, code)}


@pytest.mark.parametrize("target", [BANK, CASH_WALLET], ids=lambda p: p.name)
def test_lines_of_a_method_the_provider_does_not_pay_are_refused(target: Provider) -> None:
    lines = payment_lines(["bank", "wallet", "cash"])
    out = io.BytesIO()
    refused = refusal(OrderRefused, target.write_order, HEADER, lines, out)
    unsupported = {p.reference for p in refused.first() if p.code == "method_not_supported"}
    expected = {"P000000"} if target is CASH_WALLET else {"P000001", "P000002"}
    assert unsupported == expected
    assert out.getvalue() == b""  # refused before the first byte


def test_an_invalid_rib_is_refused_with_its_reference_and_field() -> None:
    lines = payment_lines(["bank"] * 3).with_columns(
        rib=pl.Series([a_rib(1), a_rib(2)[:-2] + "00", None])
    )
    refused = refusal(OrderRefused, BANK.write_order, HEADER, lines, io.BytesIO())
    assert problem_rows(refused) == {
        (2, "P000001", "rib", "rib"),
        (3, "P000002", "rib", "required"),
    }


def test_bad_lines_are_refused_with_every_problem() -> None:
    lines = payment_lines(["wallet", "cash", "wallet", "cash", "wallet"]).with_columns(
        reference=pl.Series(["P1", "P2", "P2", "P4", "P5"]),
        amount=pl.Series([0, 100, -5, 100, 100]),
        phone=pl.Series(["+212512345678", None, "+212612345678", None, None]),
        pickup_code=pl.Series([None, "ab", None, None, None]),
        beneficiary_name=pl.Series(["فاطمة", "=cmd|' /C calc'!A0", "Ok Name", "Ok", "Ok"]),
        beneficiary_cnie=pl.Series(["BK1", "bk1", "BK1", "BK1", "BK1"]),
    )
    refused = refusal(OrderRefused, CASH_WALLET.write_order, HEADER, lines, io.BytesIO())
    assert problem_rows(refused) == {
        (1, "P1", "amount", "line_amount"),
        (1, "P1", "beneficiary_name", "latin_name"),
        (1, "P1", "phone", "phone"),
        (2, "P2", "beneficiary_name", "latin_name"),
        (2, "P2", "beneficiary_cnie", "cnie"),
        (2, "P2", "pickup_code", "pickup_code"),
        (2, "P2", "reference", "duplicate_reference"),
        (3, "P2", "amount", "line_amount"),
        (3, "P2", "reference", "duplicate_reference"),
        (4, "P4", "pickup_code", "required"),
        (5, "P5", "phone", "required"),
    }
    duplicate = next(p for p in refused.first(100) if p.code == "duplicate_reference")
    assert duplicate.detail == "2, 3"


def test_the_lines_frame_must_have_the_columns_and_types() -> None:
    lines = payment_lines(["bank"]).drop("beneficiary_cnie").cast({"amount": pl.Int32})
    refused = refusal(OrderRefused, BANK.write_order, HEADER, lines, io.BytesIO())
    assert problem_rows(refused) == {
        (0, None, "beneficiary_cnie", "missing_column"),
        (0, None, "amount", "column_type"),
    }
    empty = payment_lines(["bank"]).clear()
    refused = refusal(OrderRefused, BANK.write_order, HEADER, empty, io.BytesIO())
    assert refused.codes() == {"no_lines"}


# --- writing orders ---------------------------------------------------------------------------


def test_a_pain001_order_is_valid_and_carries_its_control_sums() -> None:
    lines = payment_lines(["bank"] * 3, amounts=[50_000, 35_050, 1])
    out = io.BytesIO()
    summary = BANK.write_order(HEADER, lines, out)
    data = out.getvalue()
    document = etree.fromstring(data)
    assert schema("pain.001.001.09").validate(document), schema("pain.001.001.09").error_log
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    for level in ("p:CstmrCdtTrfInitn/p:GrpHdr", "p:CstmrCdtTrfInitn/p:PmtInf"):
        assert document.findtext(f"{level}/p:NbOfTxs", namespaces=ns) == "3"
        assert document.findtext(f"{level}/p:CtrlSum", namespaces=ns) == "850.51"
    ibans = document.xpath("//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN/text()", namespaces=ns)
    assert ibans == ["MA64" + rib for rib in lines["rib"]]
    ends = document.xpath("//p:EndToEndId/text()", namespaces=ns)
    assert ends == ["P000000", "P000001", "P000002"]
    assert (summary.count, summary.total, summary.size) == (3, 85_051, len(data))
    assert str(summary.total_mad) == "850.51"
    assert summary.sha256 == hashlib.sha256(data).hexdigest()
    assert summary.file_name == "ASD-2026-03-C7.xml"


def test_a_cash_wallet_order_has_its_totals_and_body_checksum_in_the_header() -> None:
    lines = payment_lines(["wallet", "cash"], amounts=[30_000, 25_050])
    data = written(CASH_WALLET, lines)
    text = data.decode()
    head = [line for line in text.splitlines() if line.startswith("#")]
    fields = dict(line[1:].split(",", 1) for line in head)
    assert fields["format"] == "jisr-cash-wallet-order,1"
    assert (fields["line_count"], fields["total_mad"]) == ("2", "550.50")
    assert (fields["message_id"], fields["programme"], fields["month"]) == (
        "ASD-2026-03-C7",
        "ASD",
        "2026-03",
    )
    body = data.split(b"\n", len(head))[-1]
    assert fields["body_sha256"] == hashlib.sha256(body).hexdigest()
    rows = pl.read_csv(io.BytesIO(body), infer_schema=False)
    assert rows["amount_mad"].to_list() == ["300.00", "250.50"]
    assert rows["method"].to_list() == ["wallet", "cash"]


@pytest.mark.parametrize("target", [BANK, CASH_WALLET], ids=lambda p: p.name)
def test_two_writes_of_one_order_are_byte_identical_whatever_the_line_order(
    target: Provider,
) -> None:
    methods = ["bank"] * 5 if target is BANK else ["wallet", "cash"] * 3
    lines = payment_lines(methods)
    first = written(target, lines)
    assert written(target, lines) == first
    assert written(target, lines.reverse()) == first


def test_xml_text_is_escaped() -> None:
    frame = pl.DataFrame({"text": ["A & B <c> &amp;"]})
    assert frame.select(xml_escape_expr(pl.col("text"))).item() == ("A &amp; B &lt;c&gt; &amp;amp;")


# --- round trip -------------------------------------------------------------------------------

CASES = {
    "bank_pain001": (["bank"], ["paid", "failed", "pending"]),
    "cash_wallet_csv": (["wallet", "cash"], ["paid", "failed", "unclaimed"]),
}


@st.composite
def orders(draw: st.DrawFn, name: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    methods, statuses = CASES[name]
    count = draw(st.integers(1, 12))
    chosen = draw(st.lists(st.sampled_from(methods), min_size=count, max_size=count))
    amounts = draw(st.lists(st.integers(1, 10**9), min_size=count, max_size=count))
    lines = payment_lines(chosen, amounts)
    answered = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    outcomes = pl.DataFrame(
        {
            "reference": lines["reference"],
            "status": draw(st.lists(st.sampled_from(statuses), min_size=count, max_size=count)),
            "reason_code": draw(
                st.lists(
                    st.sampled_from([None, "AC04", "MS03", "NOT_COLLECTED"]),
                    min_size=count,
                    max_size=count,
                )
            ),
            "date": draw(
                st.lists(
                    st.dates(dt.date(2026, 3, 1), dt.date(2026, 5, 31)),
                    min_size=count,
                    max_size=count,
                )
            ),
        },
        schema_overrides={"reason_code": pl.String},
    ).filter(pl.Series(answered))
    return lines, outcomes  # fmt: skip


def expected_outcomes(lines: pl.DataFrame, outcomes: pl.DataFrame, name: str) -> pl.DataFrame:
    defaults = {"failed": "AC01" if name == "bank_pain001" else "FAILED", "unclaimed": "EXPIRED"}
    return (
        outcomes.join(lines.select("reference", "amount"), on="reference")
        .filter(pl.col("status") != "pending")
        .with_columns(
            reason_code=pl.when(pl.col("status") != "paid").then(
                pl.col("reason_code").fill_null(
                    pl.col("status").replace_strict(defaults, default=None)
                )
            )
        )
        .select("reference", "status", "amount", "reason_code", "date")
        .sort("reference")
    )  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_simulated_return_reads_back_as_the_outcomes(name: str, data: st.DataObject) -> None:
    target = provider(name)
    lines, outcomes = data.draw(orders(name))
    written(target, lines)  # the order is writable
    returned = target.read_return(target.simulate_return(HEADER, lines, outcomes), expected=HEADER)
    got = returned.lines.select("reference", "status", "amount", "reason_code", "date")
    assert got.sort("reference").equals(expected_outcomes(lines, outcomes, name))
    paid = returned.lines.filter(pl.col("status") == "paid")
    assert paid["provider_txn_id"].is_not_null().all()
    pending = outcomes.filter(pl.col("status") == "pending")["reference"]
    assert returned.pending["reference"].to_list() == pending.to_list()
    assert returned.order_message_id == HEADER.message_id


def test_a_simulated_pain002_is_valid_against_its_schema() -> None:
    lines = payment_lines(["bank"] * 4)
    outcomes = pl.DataFrame(
        {
            "reference": lines["reference"],
            "status": ["paid", "failed", "failed", "pending"],
            "reason_code": [None, "AC04", "NOT_AN_ISO_CODE", None],
        }
    )
    data = BANK.simulate_return(HEADER, lines, outcomes)
    report = schema("pain.002.001.12")
    assert report.validate(etree.fromstring(data)), report.error_log
    returned = BANK.read_return(data)
    assert returned.lines["reason_code"].to_list() == [None, "AC04", "NOT_AN_ISO_CODE"]


def test_unknown_and_missing_references_against_the_payroll() -> None:
    lines = payment_lines(["wallet", "cash", "wallet"])
    outcomes = pl.DataFrame({"reference": ["P000000", "P000002"], "status": ["paid", "failed"]})
    returned = CASH_WALLET.read_return(CASH_WALLET.simulate_return(HEADER, lines, outcomes))
    payroll = pl.Series(["P000001", "P000002"])
    unknown = returned.unknown_references(payroll)
    assert unknown.select("line", "reference", "code").rows() == [
        (15, "P000000", "unknown_reference")
    ]
    assert unknown.equals(unknown_references(returned.lines, payroll))
    assert returned.missing_references(payroll).to_list() == ["P000001"]


# --- refused cash_wallet_csv returns ------------------------------------------------------------


def csv_return(statuses: list[str] | None = None) -> bytes:
    statuses = statuses or ["paid", "failed", "unclaimed"]
    lines = payment_lines(["wallet", "cash", "wallet"][: len(statuses)])
    outcomes = pl.DataFrame({"reference": lines["reference"], "status": statuses})
    return CASH_WALLET.simulate_return(HEADER, lines, outcomes)


def edited(data: bytes, old: str, new: str, *, resign: bool = True) -> bytes:
    """`data` with `old` replaced by `new`; with `resign`, a body checksum that matches again."""
    text = data.decode().replace(old, new, 1)
    if resign:
        head, _, body = text.partition("\nreference,")
        body = "reference," + body
        digest = hashlib.sha256(body.encode()).hexdigest()
        head = "\n".join(
            f"#body_sha256,{digest}" if line.startswith("#body_sha256,") else line
            for line in head.split("\n")
        )
        text = head + "\n" + body
    return text.encode()


def test_a_csv_return_with_wrong_control_totals_is_refused() -> None:
    data = edited(csv_return(), "#paid_mad,500.00", "#paid_mad,600.00")
    data = edited(data, "#line_count,3", "#line_count,4")
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data)
    assert problem_rows(refused) == {
        (5, None, "line_count", "control_total"),
        (8, None, "paid_mad", "control_total"),
    }
    assert next(iter(refused.first())).detail == "4 ≠ 3"


def test_a_csv_return_whose_body_changed_fails_its_checksum() -> None:
    data = edited(csv_return(), "P000001,failed", "P000001,paid", resign=False)
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data)
    assert {"checksum", "control_total"} <= refused.codes()
    assert (13, None, "body_sha256", "checksum") in problem_rows(refused)


def test_a_truncated_csv_return_is_refused() -> None:
    data = csv_return()
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data[:-20])
    assert {"truncated", "checksum", "field_count"} <= refused.codes()
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data[: data.index(b"reference,")])
    assert {"truncated", "columns"} <= refused.codes()


def test_a_csv_return_that_is_not_utf8_is_refused_at_its_line() -> None:
    data = edited(csv_return(), "EXPIRED", "EXPIRÉ", resign=False).decode().encode("latin-1")
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data)
    assert problem_rows(refused) == {(17, None, "", "not_utf8")}


def test_a_csv_return_repeating_a_reference_is_refused() -> None:
    data = edited(csv_return(), "P000001,failed", "P000000,failed")
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data)
    assert problem_rows(refused) == {
        (15, "P000000", "reference", "duplicate_reference"),
        (16, "P000000", "reference", "duplicate_reference"),
    }


@pytest.mark.parametrize(
    ("old", "new", "field", "code"),
    [
        (",paid,500.00,", ",paid,500.5,", "amount_mad", "amount"),
        (",paid,500.00,", ",paid,1,500.00,", "", "field_count"),
        (",paid,500.00,", ",paid,-500.00,", "amount_mad", "amount"),
        (",paid,", ",PAID,", "status", "status"),
        (",failed,", ",lost,", "status", "status"),
        ("2026-03-25\nP000001", "25/03/2026\nP000001", "date", "date"),
        ("2026-03-25\nP000001", "2026-02-30\nP000001", "date", "date"),
        ("FAILED", "", "reason_code", "required"),
        ("FAILED", "failed!", "reason_code", "reason_code"),
        ("TX0000000000", "", "provider_txn_id", "required"),
    ],
)
def test_malformed_csv_return_fields_are_refused(old: str, new: str, field: str, code: str) -> None:
    data = edited(csv_return(), old, new)
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data)
    assert (field, code) in {(p.field, p.code) for p in refused.first()}


def test_a_csv_return_without_its_header_is_refused() -> None:
    data = csv_return()
    body = data[data.index(b"reference,") :]
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, body)
    assert problem_rows(refused) == {(1, None, "", "no_header")}
    [problem] = refused.first()
    assert "#name,value" in problem_text(problem.code, problem.detail)
    assert "order_message_id" in problem_text(problem.code, problem.detail)  # what to write
    no_checksum = b"".join(
        line for line in data.splitlines(keepends=True) if b"#body_sha256" not in line
    )
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, no_checksum)
    assert (0, None, "body_sha256", "missing_header") in problem_rows(refused)
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, b"")
    assert refused.codes() == {"empty_file"}


def test_an_order_file_is_not_taken_for_a_return() -> None:
    order = written(CASH_WALLET, payment_lines(["wallet"]))
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, order)
    assert (1, None, "format", "format") in problem_rows(refused)


def test_a_csv_return_for_another_order_is_refused_when_the_order_is_given() -> None:
    data = csv_return()
    other = OrderHeader(
        **{
            **{n: getattr(HEADER, n) for n in HEADER.__dataclass_fields__},
            "message_id": "ASD-2026-04-C8",
        }
    )
    refused = refusal(ReturnRefused, CASH_WALLET.read_return, data, expected=other)
    assert problem_rows(refused) == {(3, None, "order_message_id", "message_id")}
    assert CASH_WALLET.read_return(data, expected=HEADER).lines.height == 3  # fmt: skip


# --- refused and partial pain.002 reports -------------------------------------------------------


def pain002(statuses: list[str] | None = None) -> bytes:
    statuses = statuses or ["paid", "failed", "pending"]
    lines = payment_lines(["bank"] * len(statuses))
    outcomes = pl.DataFrame({"reference": lines["reference"], "status": statuses})
    return BANK.simulate_return(HEADER, lines, outcomes)


def replaced(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data
    return data.replace(old.encode(), new.encode(), 1)


def test_a_report_not_valid_against_the_xsd_is_refused() -> None:
    data = replaced(pain002(), "<TxSts>ACCC</TxSts>", "<TxSts>ACCC</TxSts><Note>hi</Note>")
    refused = refusal(ReturnRefused, BANK.read_return, data)
    assert refused.codes() == {"xml_schema"}
    assert "Note" in (refused.first()[0].detail or "")
    data = replaced(pain002(), "<CreDtTm>2026-03-20T09:30:00+00:00", "<CreDtTm>yesterday")
    assert refusal(ReturnRefused, BANK.read_return, data).codes() == {"xml_schema"}
    missing_header = replaced(pain002(), "<GrpHdr>", "<Hdr>").replace(b"</GrpHdr>", b"</Hdr>")
    assert refusal(ReturnRefused, BANK.read_return, missing_header).codes() == {"xml_schema"}
    order = written(BANK, payment_lines(["bank"]))
    assert refusal(ReturnRefused, BANK.read_return, order).codes() == {"xml_schema"}


def test_a_report_that_is_not_well_formed_or_is_cut_is_refused() -> None:
    data = replaced(pain002(), "</TxSts>", "</TxStatus>")
    assert refusal(ReturnRefused, BANK.read_return, data).codes() == {"xml_syntax"}
    data = pain002()
    refused = refusal(ReturnRefused, BANK.read_return, data[: len(data) // 2])
    assert refused.codes() == {"truncated"}
    assert refusal(ReturnRefused, BANK.read_return, b"  \n").codes() == {"empty_file"}


def test_a_report_that_is_not_utf8_is_refused() -> None:
    data = replaced(pain002(), "<MsgId>RASD", "<MsgId>RÉASD").decode().encode("latin-1")
    assert problem_rows(refusal(ReturnRefused, BANK.read_return, data)) == {
        (4, None, "", "not_utf8")
    }
    data = replaced(pain002(), 'encoding="UTF-8"', 'encoding="ISO-8859-1"')
    assert refusal(ReturnRefused, BANK.read_return, data).codes() == {"not_utf8"}


def test_a_report_for_another_order_is_refused_when_the_order_is_given() -> None:
    data = replaced(pain002(), "<OrgnlMsgId>ASD-2026-03-C7", "<OrgnlMsgId>ASD-2026-02-C6")
    refused = refusal(ReturnRefused, BANK.read_return, data, expected=HEADER)
    assert problem_rows(refused) == {(5, None, "OrgnlMsgId", "message_id")}
    data = replaced(pain002(), "<OrgnlMsgNmId>pain.001.001.09", "<OrgnlMsgNmId>pacs.008.001.08")
    assert refusal(ReturnRefused, BANK.read_return, data).codes() == {"format"}


@pytest.mark.parametrize(
    ("old", "new", "field", "code"),
    [
        ('Ccy="MAD">500.00', 'Ccy="MAD">500.005', "InstdAmt", "amount"),
        ('Ccy="MAD">500.00', 'Ccy="EUR">500.00', "InstdAmt", "currency"),
        ("<TxSts>RJCT", "<TxSts>XXXX", "TxSts", "status"),
        ("<OrgnlEndToEndId>P000001", "<OrgnlEndToEndId>P000000", "reference",
         "duplicate_reference"),
        ("<OrgnlEndToEndId>P000001", "<OrgnlEndToEndId>P 1", "reference", "identifier"),
        ("<DtldNbOfTxs>1</DtldNbOfTxs><DtldSts>ACCC", "<DtldNbOfTxs>2</DtldNbOfTxs><DtldSts>ACCC",
         "NbOfTxsPerSts", "control_total"),
        ("<DtldSts>RJCT</DtldSts><DtldCtrlSum>510.00", "<DtldSts>RJCT</DtldSts><DtldCtrlSum>510.01",
         "NbOfTxsPerSts", "control_total"),
        ("<CreDtTm>2026-03-20T09:30:00+00:00", "<CreDtTm>2026-03-20T09:30:00", "CreDtTm",
         "naive_datetime"),
    ],
)  # fmt: skip
def test_malformed_report_fields_are_refused(old: str, new: str, field: str, code: str) -> None:
    refused = refusal(ReturnRefused, BANK.read_return, replaced(pain002(), old, new))
    assert (field, code) in {(p.field, p.code) for p in refused.first()}


def test_pending_and_missing_statuses_are_reported_not_taken_as_outcomes() -> None:
    data = replaced(pain002(), "<TxSts>RJCT</TxSts>", "")
    data = replaced(
        data,
        "<DtldNbOfTxs>1</DtldNbOfTxs><DtldSts>RJCT</DtldSts>",
        "<DtldNbOfTxs>0</DtldNbOfTxs><DtldSts>RJCT</DtldSts>",
    )
    data = replaced(data, "<DtldCtrlSum>510.00", "<DtldCtrlSum>0")
    returned = BANK.read_return(data)
    assert returned.lines["reference"].to_list() == ["P000000"]
    assert returned.pending.select("reference", "status_code").rows() == [
        ("P000001", None),
        ("P000002", "PDNG"),
    ]
    assert returned.missing_references(pl.Series(["P000000", "P000001", "P000002"])).to_list() == [
        "P000001",
        "P000002",
    ]


def test_a_report_written_with_prefixes_comments_and_cdata_reads_the_same() -> None:
    data = pain002()
    plain = BANK.read_return(data)
    text = data.decode().replace('xmlns="', 'xmlns:ns2="')
    text = text.replace("<", "<ns2:").replace("<ns2:/", "</ns2:").replace("<ns2:?", "<?")
    text = text.replace("<ns2:TxSts>ACCC", "<ns2:TxSts><!-- settled -->ACCC")
    text = text.replace(
        "<ns2:AcctSvcrRef>TX0000000000", "<ns2:AcctSvcrRef><![CDATA[TX0000000000]]>"
    )
    prefixed = BANK.read_return(text.encode())
    assert prefixed.lines.drop("line").equals(plain.lines.drop("line"))
    assert prefixed.pending.drop("line").equals(plain.pending.drop("line"))


def test_a_report_rejecting_the_whole_order_has_a_group_status() -> None:
    reason = "<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf>"
    data = replaced(pain002(["failed"]), "<GrpSts>RJCT</GrpSts>", f"<GrpSts>RJCT</GrpSts>{reason}")
    start = data.index(b"<TxInfAndSts>")
    end = data.index(b"</OrgnlPmtInfAndSts>")
    data = data[:start] + data[end:]
    data = replaced(data, "<NbOfTxsPerSts><DtldNbOfTxs>1", "<NbOfTxsPerSts><DtldNbOfTxs>0")
    data = replaced(data, "<DtldCtrlSum>500.00", "<DtldCtrlSum>0")
    returned = BANK.read_return(data)
    assert (returned.group_status, returned.group_reason) == ("RJCT", "AM04")
    assert returned.lines.height == 0


@pytest.mark.parametrize("target", [BANK, CASH_WALLET], ids=lambda p: p.name)
def test_a_return_reporting_nothing_yet_reads_as_no_outcome(target: Provider) -> None:
    lines = payment_lines(["bank"] if target is BANK else ["cash"])
    nothing = pl.DataFrame(schema={"reference": pl.String, "status": pl.String})
    returned = target.read_return(target.simulate_return(HEADER, lines, nothing), expected=HEADER)
    assert (returned.lines.height, returned.pending.height) == (0, 0)
    assert returned.missing_references(lines["reference"]).to_list() == ["P000000"]
