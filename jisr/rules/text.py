"""The explanation as readable text in Arabic, French or English (labels: rules/labels.yaml)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("ar", "fr", "en")


@cache
def catalogue() -> dict[str, Any]:
    text = (resources.files("jisr.rules") / "labels.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def phrase(key: str, lang: str, **values: Any) -> str:
    return str(catalogue()["phrases"][key][lang]).format(**values)


def label(variable: str, english: str, lang: str) -> str:
    if lang == "en":
        return english
    return str(catalogue()["variables"].get(variable, {}).get(lang, english))


def _value(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return phrase("word_yes" if value else "word_no", lang)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, lang) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_value(v, lang)}" for key, v in value.items())
    return str(value)


def _programmes(result: dict[str, Any], lang: str) -> list[str]:
    asd = result["programmes"]["asd"]
    lines = []
    if asd["eligible"]:
        lines.append(
            phrase(
                "asd_yes",
                lang,
                amount=asd["monthly_amount"],
                children=asd["children_paid"],
                total=asd["total"],
            )
        )
        for child in asd["children"]:
            lines.append(
                phrase(
                    "child",
                    lang,
                    id=child["id"],
                    rank=child["rank"],
                    amount=child["amount"],
                    supplement=child["disability_supplement"],
                )
            )
    else:
        lines.append(phrase("asd_no", lang))
    tadamon = result["programmes"]["amo_tadamon"]["eligible"]
    lines.append(phrase("tadamon_yes" if tadamon else "tadamon_no", lang))
    achamil = result["programmes"]["amo_achamil"]
    lines.append(
        phrase("achamil_yes", lang, amount=achamil["monthly_contribution"])
        if achamil["eligible"]
        else phrase("achamil_no", lang)
    )
    cnss = result["programmes"]["cnss_family_allowances"]
    lines.append(
        phrase("cnss_yes", lang, amount=cnss["monthly_amount"])
        if cnss["eligible"]
        else phrase("cnss_no", lang)
    )
    return lines


def _trace(result: dict[str, Any], lang: str) -> list[str]:
    lines = [phrase("how", lang)]
    for step in result["trace"]:
        how = (
            phrase("rule_since", lang, date=step["formula_since"])
            if step["source"] == "formula"
            else phrase("given" if step["source"] == "input" else "default", lang)
        )
        name = label(step["variable"], step["label"], lang)
        lines.append(f"  - {name} [{step['variable']}] = {_value(step['value'], lang)} ({how})")
        for parameter in step["parameters"]:
            lines.append(
                phrase(
                    "parameter",
                    lang,
                    path=parameter["path"],
                    value=_value(parameter["value"], lang),
                    date=parameter["since"],
                    reference=parameter["reference"],
                )
            )
            if parameter["unverified"]:
                lines.append(phrase("unverified", lang, note=parameter["unverified"]))
    return lines


def render(result: dict[str, Any], lang: str = "en") -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"language: one of {', '.join(LANGUAGES)}")
    index = result["index"]
    key = "index_input" if index["source"] == "input" else "index_model"
    lines = [
        phrase("title", lang, month=result["month"]),
        phrase(key, lang, value=index["value"]),
        *_programmes(result, lang),
        "",
        *_trace(result, lang),
        "",
        phrase("version", lang, version=result["parameters_version"]),
    ]
    return "\n".join(lines) + "\n"
