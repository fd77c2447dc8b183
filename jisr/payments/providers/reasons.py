"""Why a payment order or a return file was refused: each stable problem code and its message in
the reader's language (the only module of `providers` that imports Django).

The formats produce codes with a `detail` (a line list, the expected value); only a report turns
the few problems shown into sentences.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jisr.payments.providers.base import Problem

PROBLEMS: dict[str, Promise] = {
    # The order's header
    "identifier": _(
        "An identifier of 1 to 35 characters: letters, digits, '.', '_' or '-', starting with a "
        "letter or a digit."
    ),
    "month": _("A month in the form YYYY-MM is expected."),
    "naive_datetime": _("The date and time must give its offset from UTC."),
    "text": _("At most 140 characters, without control characters."),
    "rib": _("A RIB has 24 digits, the last two a key that does not match the others here."),
    "bic": _("A BIC has 8 or 11 characters (bank, country, place, branch)."),
    # The order's lines
    "missing_column": _("This column is missing from the payment lines."),
    "column_type": _("This column has the wrong type; %(detail)s is expected."),
    "no_lines": _("The order has no payment lines."),
    "required": _("A value is required."),
    "latin_name": _(
        "The beneficiary's name in Latin script is expected (letters, spaces, apostrophes, "
        "dots and hyphens, starting with a letter; at most 140 characters)."
    ),
    "cnie": _("A CNIE is one or two capital letters followed by 1 to 6 digits."),
    "method": _("Not a payment method: %(detail)s."),
    "method_not_supported": _("Provider %(detail)s does not pay lines of this method."),
    "line_amount": _("A line's amount must be from %(detail)s MAD."),
    "phone": _("A mobile wallet number in the form +2126XXXXXXXX or +2127XXXXXXXX."),
    "pickup_code": _("A pickup code has 6 to 20 capital letters or digits."),
    "duplicate_reference": _("This reference appears more than once (lines %(detail)s)."),
    # The return file
    "not_utf8": _("The file is not UTF-8 text (from line %(detail)s)."),
    "empty_file": _("The file is empty."),
    "no_header": _(
        "The file does not start with its header: lines '#name,value' giving %(detail)s."
    ),
    "missing_header": _("The file's header is missing this field."),
    "duplicate_header": _("This header field was already given on line %(detail)s."),
    "format": _("This is not the expected kind of file (%(detail)s)."),
    "datetime": _("A date and time in ISO 8601 form is expected."),
    "count": _("A whole number is expected."),
    "amount": _("An amount in MAD with at most 2 decimals is expected."),
    "sha256": _("A SHA-256 checksum is 64 hexadecimal digits."),
    "checksum": _(
        "The file's checksum does not match its content: it was changed or damaged after it "
        "was written."
    ),
    "truncated": _("The file ends before its end: it was cut short."),
    "columns": _("The column names are not the expected ones: %(detail)s."),
    "field_count": _("This line has %(detail)s fields, not the number of columns."),
    "status": _("Not a known status: %(detail)s."),
    "reason_code": _("A reason code has 1 to 16 capital letters, digits or '_'."),
    "date": _("A date in the form YYYY-MM-DD is expected."),
    "control_total": _("The control total does not match the lines: %(detail)s."),
    "currency": _("The amount is not in %(detail)s."),
    "xml_syntax": _("The file is not well-formed XML: %(detail)s"),
    "xml_schema": _("The file is not valid against its ISO 20022 schema: %(detail)s"),
    "message_id": _("This file answers another payment order; %(detail)s was expected."),
    # Reconciliation
    "unknown_reference": _("No line of this payment order has this reference."),
}


def problem_text(code: str, detail: str | None) -> str:
    """The message for `code` in the active language."""
    template = str(PROBLEMS.get(code, _("Invalid value.")))
    return template % {"detail": detail or ""} if "%(detail)s" in template else template


def problem_texts(problems: list[Problem]) -> list[str]:
    """'line 12 [P00012] amount_mad: …' for each problem (the few shown to a person)."""
    texts = []
    for problem in problems:
        where = f"line {problem.line}" + (f" [{problem.reference}]" if problem.reference else "")
        field = f" {problem.field}" if problem.field else ""
        texts.append(f"{where}{field}: {problem_text(problem.code, problem.detail)}")
    return texts
