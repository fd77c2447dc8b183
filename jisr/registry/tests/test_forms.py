"""The declarations' form widgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.utils import translation

from jisr.registry.forms import DateInput


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_a_date_picker_shows_its_date_in_every_language(language: str) -> None:
    """An <input type="date"> reads only YYYY-MM-DD; a French page used to write 30/11/2026, so
    the picker showed empty and a form that defaulted to today could not be sent."""

    class VisitForm(forms.Form):
        visited_on = forms.DateField(widget=DateInput)

    with translation.override(language):
        rendered = str(VisitForm(initial={"visited_on": dt.date(2026, 11, 30)})["visited_on"])
        parsed = VisitForm({"visited_on": "2026-11-30"})
        assert parsed.is_valid(), parsed.errors
    assert 'type="date"' in rendered
    assert 'value="2026-11-30"' in rendered
    assert parsed.cleaned_data["visited_on"] == dt.date(2026, 11, 30)
