"""The list of diplomas in the social field, as seeded by migration 0002 (and restored by
`diplomas_ensure` where a test or the demo emptied the table).

ILLUSTRATIVE: decree 2.22.604 (21 March 2024) requires a diploma "on the official list", but the
annex holding that list is not in Jisr's references. The entries and their `on_official_list`
flags are a plausible starting point, each with `verified=False`; correct them from the annex (a
new data migration) and set `verified=True`. See docs/workforce.md.
"""

from __future__ import annotations

from typing import Any

SOURCE = "Illustrative (decree 2.22.604's annex not in the references): check against the annex"
DIPLOMAS = (
    # code, French, Arabic, English, issued by, on the official list (illustrative)
    (
        "licence-pro-travail-social",
        "Licence professionnelle en travail social",
        "الإجازة المهنية في العمل الاجتماعي",
        "Professional bachelor's degree in social work",
        "Institut national de l'action sociale (INAS), universities",
        True,
    ),
    (
        "assistant-social",
        "Diplôme d'assistant social",
        "دبلوم المساعد الاجتماعي",
        "Social assistant diploma",
        "Institut national de l'action sociale (INAS)",
        True,
    ),
    (
        "master-travail-social",
        "Master en travail social",
        "الماستر في العمل الاجتماعي",
        "Master's degree in social work",
        "Universities",
        True,
    ),
    (
        "educateur-specialise",
        "Diplôme d'éducateur spécialisé",
        "دبلوم المربي المتخصص",
        "Specialised educator diploma",
        "Training institutes of the social sector",
        True,
    ),
    (
        "licence-sociologie",
        "Licence en sociologie",
        "الإجازة في علم الاجتماع",
        "Bachelor's degree in sociology",
        "Universities",
        False,
    ),
    (
        "licence-psychologie",
        "Licence en psychologie",
        "الإجازة في علم النفس",
        "Bachelor's degree in psychology",
        "Universities",
        False,
    ),
)


def seed(diploma_model: Any) -> None:
    """Create or update every listed diploma (idempotent); `diploma_model` is the model class (the
    historical one in a migration)."""
    for code, name_fr, name_ar, name_en, issued_by, official in DIPLOMAS:
        diploma_model.objects.update_or_create(
            code=code,
            defaults={
                "name_fr": name_fr,
                "name_ar": name_ar,
                "name_en": name_en,
                "issued_by": issued_by,
                "on_official_list": official,
                "verified": False,
                "source": SOURCE,
            },
        )


def diplomas_ensure() -> None:
    """The listed diplomas exist (a transactional test's flush empties the seeded table)."""
    from jisr.workforce.models import Diploma

    if Diploma.objects.filter(code__in=[row[0] for row in DIPLOMAS]).count() < len(DIPLOMAS):
        seed(Diploma)
