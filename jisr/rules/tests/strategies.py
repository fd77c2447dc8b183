"""Hypothesis strategies: households in the explain contract (JSON-like dicts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from jisr.rules.population import SCHOOL_LEVELS

REFERENCE = dt.date(2026, 3, 1)  # the month tests use: 2026-03


@st.composite
def members(draw: st.DrawFn, relationship: str, min_age: int, max_age: int) -> dict[str, Any]:
    birth = draw(
        st.dates(
            REFERENCE.replace(year=REFERENCE.year - max_age - 1) + dt.timedelta(days=1),
            REFERENCE.replace(year=REFERENCE.year - min_age),
        )
    )
    in_school = draw(st.booleans())
    return {
        "relationship": relationship,
        "sex": draw(st.sampled_from(["M", "F"])),
        "birth_date": birth.isoformat(),
        "in_school": in_school,
        "school_level": draw(st.sampled_from(SCHOOL_LEVELS)) if in_school else None,
        "school_sector": draw(st.sampled_from(["public", "private"])) if in_school else None,
        "disabled": draw(st.booleans()),
        "father_deceased": draw(st.booleans()),
        "social_security": draw(st.sampled_from([None, "none", "none", "cnss", "cnops", "other"])),
        "amo": draw(st.sampled_from([None, "none", "tadamon", "cnss", "achamil", "other"])),
    }


@st.composite
def households(draw: st.DrawFn, max_children: int = 9) -> dict[str, Any]:
    roster = [draw(members("head", 18, 90))]
    if draw(st.booleans()):
        roster.append(draw(members("spouse", 18, 90)))
    roster += draw(st.lists(members("child", 0, 30), max_size=max_children))
    roster += draw(st.lists(members("grandchild", 0, 20), max_size=2))
    roster += draw(st.lists(members("parent", 50, 100), max_size=1))
    for number, member in enumerate(roster):
        member["id"] = f"p{number}"
    return {
        "index": draw(st.floats(8.5, 11.5, allow_nan=False)),
        "milieu": draw(st.sampled_from(["urban", "rural"])),
        "registered_rnp": draw(st.booleans() | st.just(True)),
        "registered_rsu": draw(st.booleans() | st.just(True)),
        "members": roster,
    }
