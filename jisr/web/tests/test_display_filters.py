"""The display filters: amounts of money and grouped counts, in each language."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from jisr.web.templatetags.humanize_jisr import figure, grouped, money

NNBSP = "\u202f"
DECIMAL_SEPARATOR = {"ar": ",", "fr": ",", "en": "."}


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("ar", f"1{NNBSP}234{NNBSP}567,50"),
        ("fr", f"1{NNBSP}234{NNBSP}567,50"),
        ("en", f"1{NNBSP}234{NNBSP}567.50"),
    ],
)
def test_an_amount_is_grouped_with_the_languages_decimal_separator(
    language: str, shown: str
) -> None:
    with translation.override(language):
        assert money(Decimal("1234567.5")) == shown
        assert money(-3) == "-3.00".replace(".", DECIMAL_SEPARATOR[language])
        assert money("0") == "0.00".replace(".", DECIMAL_SEPARATOR[language])


def test_nothing_or_something_else_than_an_amount() -> None:
    assert money(None) == "—"
    assert money("") == "—"
    assert money("n/a") == "n/a"  # shown as it is, never a made-up number
    assert grouped(None) == "—"
    assert grouped(36_828_330) == f"36{NNBSP}828{NNBSP}330"


def test_in_a_template_and_a_translated_sentence() -> None:
    template = Template(
        "{% load i18n humanize_jisr %}{% blocktranslate with amount=total|money %}"
        "{{ amount }} MAD{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert template.render(Context({"total": Decimal("15000.00")})) == f"15{NNBSP}000,00 MAD"


@given(
    centimes=st.integers(min_value=-(10**13), max_value=10**13),
    language=st.sampled_from(["ar", "fr", "en"]),
)
def test_the_shown_amount_reads_back_to_the_same_centimes(centimes: int, language: str) -> None:
    amount = Decimal(centimes).scaleb(-2)
    with translation.override(language):
        shown = money(amount)
    units, separator, cents = shown.rpartition(DECIMAL_SEPARATOR[language])
    assert separator
    assert len(cents) == 2
    groups = units.lstrip("-").split(NNBSP)
    assert all(len(group) == 3 for group in groups[1:])
    assert 1 <= len(groups[0]) <= 3
    assert Decimal(units.replace(NNBSP, "") + "." + cents) == amount


@pytest.mark.parametrize(
    ("language", "shown"), [("fr", "Date\u00a0: 1"), ("en", "Date: 1"), ("ar", "Date: 1")]
)
def test_a_label_and_its_value_are_separated_the_languages_way(language: str, shown: str) -> None:
    template = Template("{% load humanize_jisr %}Date{% colon %}{{ value }}")
    with translation.override(language):
        assert template.render(Context({"value": 1})) == shown


def test_a_jobs_figures_group_whole_numbers_only() -> None:
    assert figure(3_955_962) == f"3{NNBSP}955{NNBSP}962"
    assert figure(True) is True  # a flag is not a count
    assert figure("2026-03") == "2026-03"
    assert figure(1.5) == 1.5
