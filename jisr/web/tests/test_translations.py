"""The compiled catalogues match their sources, and every message is translated."""

from __future__ import annotations

import gettext
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
        if not entry.msgid_plural and compiled.gettext(entry.msgid) != entry.msgstr
    ]
    assert stale == [], f"django.mo is older than django.po in {language}: run compilemessages"
