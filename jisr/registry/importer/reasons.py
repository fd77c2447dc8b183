"""Why a row was refused: a stable code per rule and its message in the reader's language.

Checks produce codes (and a `detail` such as the allowed values or a line number) on whole
columns; only the report turns the few failures into sentences, with gettext.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

REASONS: dict[str, Promise] = {
    # The files themselves
    "missing_file": _(
        "The file is missing: give households and persons files (CSV, XLSX or Parquet)."
    ),
    "ambiguous_file": _("There are several files for this table (%(detail)s); keep only one."),
    "unreadable": _("The file cannot be read as %(detail)s."),
    "not_utf8": _("The file is not UTF-8 text; save it as UTF-8 (CSV UTF-8)."),
    "empty_file": _("The file is empty."),
    "no_rows": _("The file has a header but no rows."),
    "missing_column": _("This column is missing from the header."),
    "field_count": _(
        "This row has %(detail)s fields; the header has a different number (a "
        "truncated or broken row)."
    ),
    # One value
    "required": _("A value is required."),
    "rsu_id": _("An RSU household identifier has 10 digits, the last a check digit."),
    "rnp_id": _("An RNP person identifier has 12 digits, the last a check digit."),
    "code": _("Not one of the allowed values: %(detail)s."),
    "bool": _("Must be true or false."),
    "count": _("A whole number from %(detail)s is expected."),
    "amount": _("An amount in MAD (at most 2 decimals) from %(detail)s is expected."),
    "date": _("A date in the form YYYY-MM-DD is expected."),
    "too_long": _("At most %(detail)s characters."),
    "phone": _("A Moroccan number in the form +212XXXXXXXXX."),
    "cnie": _("A CNIE is one or two capital letters followed by 1 to 6 digits."),
    "country": _("A two-letter ISO country code (MA, FR, …) is expected."),
    "birth_future": _("The birth date is in the future."),
    "birth_too_old": _("The birth date is implausibly old (more than %(detail)s years)."),
    # Places and access
    "unknown_region": _("No region has this code."),
    "unknown_commune": _("No commune has this code (load the communes first: jisr geo load)."),
    "commune_region": _("This commune belongs to region %(detail)s, not to the region given."),
    "commune_milieu": _("This commune is %(detail)s; the milieu given differs."),
    "out_of_scope": _("You may not import households of this place (outside your scope)."),
    # Within and across the files
    "duplicate_id": _("This identifier appears more than once in the file (lines %(detail)s)."),
    "duplicate_cnie": _("This CNIE appears more than once in the file (lines %(detail)s)."),
    "unknown_household": _("No household of the households file has this identifier."),
    "no_head": _("This household has no head in the persons file."),
    "many_heads": _("This household has more than one head."),
    "many_spouses": _("This household has more than one spouse of the head."),
    "size": _("The persons file has %(detail)s persons for this household, not this size."),
    "severity_without_disability": _("A disability severity is given without a disability."),
    "disability_without_severity": _("A disability is declared without its severity."),
    "school_without_enrolment": _("A school level or sector is given for someone not in school."),
    "enrolment_without_school": _("In school: give the school level and sector."),
    # Against the registry
    "dissolved": _("This household is dissolved in the registry; it cannot be imported again."),
    "household_out_of_scope": _("You may not change this household (outside your scope)."),
    "other_household": _(
        "This person is a member of household %(detail)s in the registry; a "
        "person belongs to one household (record the departure first)."
    ),
    "merged_person": _("This record was merged into another person's; use that identifier."),
    "cnie_taken": _("Another person of the registry has this CNIE."),
}


def reason_text(code: str, detail: str | None) -> str:
    """The message for `code` in the active language."""
    template = str(REASONS.get(code, _("Invalid value.")))
    return template % {"detail": detail or ""} if "%(detail)s" in template else template
