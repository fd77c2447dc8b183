"""The compiled catalogues match their sources, and every message is translated."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_catalogue_is_complete_and_compiled(language: str) -> None:
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    active = [entry for entry in source if not entry.obsolete]
    untranslated = [entry.msgid for entry in active if not entry.translated()]
    assert untranslated == [], f"untranslated in {language}: {untranslated[:10]}"
    assert not [entry.msgid for entry in active if "fuzzy" in entry.flags]
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in active
        if not entry.msgid_plural
        and (
            compiled.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else compiled.gettext(entry.msgid)
        )
        != entry.msgstr
    ]
    assert stale == [], f"django.mo is older than django.po in {language}: run compilemessages"


PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sdf]|\{[a-z_]+\}")
POSITIONAL = ("%s", "%d", "%f")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_translation_keeps_the_placeholders(language: str) -> None:
    """A translation that invents a named placeholder, or changes the positional ones, crashes the
    page that formats it (a 500), for singular and every plural form alike. (A form may leave a
    named one out: "one room" in Arabic says the number in words.)"""
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    wrong = []
    for entry in source:
        if entry.obsolete:
            continue
        named = set(PLACEHOLDER.findall(entry.msgid)) | set(
            PLACEHOLDER.findall(entry.msgid_plural or "")
        )
        positional = sorted(p for p in PLACEHOLDER.findall(entry.msgid_plural or entry.msgid)
                            if p in POSITIONAL)  # fmt: skip
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            found = PLACEHOLDER.findall(form)
            if set(found) - named or sorted(p for p in found if p in POSITIONAL) != positional:
                wrong.append((entry.msgid, form))
    assert wrong == [], f"{len(wrong)} translations in {language} change placeholders: {wrong[:5]}"
