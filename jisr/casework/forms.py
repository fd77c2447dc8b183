"""Web forms of the casework pages. They only parse what a page posts into the services' arguments;
the services decide and validate (a form error is only "this is not a date")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jisr.casework.models import DIMENSIONS, CaseSource, ConsentScope, Level, VisitKind
from jisr.registry.forms import DateInput, StyledForm

# How a closure's outcome (services.cases.CLOSURE_OUTCOMES) reads on a page (a test keeps the two
# in step).
OUTCOME_LABELS: dict[str, Any] = {
    "goals_met": _("the plan's goals are met"),
    "referred_on": _("referred on to another service"),
    "moved": _("the household moved away"),
    "declined": _("the person declined further help"),
    "deceased": _("the person died"),
    "other": _("other (see the note)"),
}

# What a consent may let a partner see (services.referrals.SHAREABLE), in words (likewise).
SHAREABLE_LABELS: dict[str, Any] = {
    "first_name": _("first name"),
    "age": _("age"),
    "sex": _("sex"),
    "commune": _("commune"),
    "needs": _("needs (from the assessment)"),
    "contact": _("contact phone"),
}

PLAN_ACTIONS = 3  # action rows offered by the plan form


class CaseForm(StyledForm):
    """A form of the case page: its element ids carry its own prefix (`plan-goals`), as several
    forms on one page share field names."""

    prefix_id = "case"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.prefix_id}-%s")
        super().__init__(*args, **kwargs)


def _text(label: Any, *, rows: int = 0, required: bool = True, limit: int = 300) -> forms.Field:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=limit, required=required, widget=widget)


def _choices(values: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", "—"), *values]


def _service_choices(services: Iterable[Any]) -> list[tuple[str, Any]]:
    return _choices((str(s.pk), f"{s.display_name} — {s.organization.name}") for s in services)


def _choices_set(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101  (declared so above)
    field.choices = choices


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput)


class CaseOpenForm(CaseForm):
    prefix_id = "open"
    household = forms.CharField(widget=forms.HiddenInput, max_length=20)
    person = forms.CharField(label=_("person concerned"), required=False, max_length=20)
    source = forms.ChoiceField(label=_("source"), choices=CaseSource.choices)
    summary = _text(_("reason for the case"), rows=2)
    outreach = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, members: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].widget = forms.Select(
            attrs={"class": "form-select"},
            choices=[
                ("", _("the whole household")),
                *((p.rnp_id, f"{p.first_name_ar} {p.last_name_ar}") for p in members),
            ],
        )


class AssessmentForm(CaseForm):
    """A level and a note for each of the assessment's dimensions."""

    prefix_id = "assess"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in DIMENSIONS.items():
            self.fields[f"{name}_level"] = forms.ChoiceField(
                label=str(label), choices=_choices(Level.choices)
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label=_("note"), required=False, max_length=500
            )
            self.fields[f"{name}_level"].widget.attrs["class"] = "form-select"
            # The note stands in the dimension's row, beside its level: named after both.
            self.fields[f"{name}_note"].widget.attrs.update(
                {
                    "class": "form-control",
                    "aria-label": _("note: %(dimension)s") % {"dimension": label},
                }
            )

    def rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"{name}_level"], self[f"{name}_note"]) for name in DIMENSIONS]

    def ratings(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {
            name: {"level": data[f"{name}_level"], "note": data[f"{name}_note"]}
            for name in DIMENSIONS
        }


class PlanForm(CaseForm):
    prefix_id = "plan"
    goals = _text(_("goals (one a line)"), rows=3, limit=3000)
    review_date = _date(_("review date"))

    def __init__(self, *args: Any, services: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = _service_choices(services)
        for i in range(PLAN_ACTIONS):
            self.fields[f"action_{i}"] = forms.CharField(
                label=_("action"), required=False, max_length=300
            )
            self.fields[f"service_{i}"] = forms.ChoiceField(
                label=_("partner service"), required=False, choices=offered
            )
            self.fields[f"due_{i}"] = _date(_("by"), required=False)
            for key, css in (
                ("action", "form-control"),
                ("service", "form-select"),
                ("due", "form-control"),
            ):
                field = self.fields[f"{key}_{i}"]
                field.widget.attrs.update({"class": css, "aria-label": str(field.label)})

    def action_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"action_{i}"], self[f"service_{i}"], self[f"due_{i}"])
            for i in range(PLAN_ACTIONS)
        ]

    def goal_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["goals"].splitlines() if line.strip()]

    def actions(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "description": data[f"action_{i}"],
                "service": data[f"service_{i}"] or None,
                "due": data[f"due_{i}"].isoformat() if data[f"due_{i}"] else None,
            }
            for i in range(PLAN_ACTIONS)
            if data[f"action_{i}"].strip() or data[f"service_{i}"]
        ]


class DecisionForm(CaseForm):
    """A supervisor's decision on a care plan or a closure: the button pressed says which; a post
    that names neither decides nothing."""

    prefix_id = "decision"
    decision = forms.ChoiceField(
        label=_("decision"),
        choices=(("approve", _("approve")), ("send-back", _("send back")), ("refuse", _("refuse"))),
    )
    note = _text(_("note (required to send back or refuse)"), rows=2, required=False, limit=2000)

    def approves(self) -> bool:
        return bool(self.cleaned_data["decision"] == "approve")


class AnswerForm(CaseForm):
    """The receiving worker's answer to a transfer (the button pressed)."""

    prefix_id = "answer"
    decision = forms.ChoiceField(
        label=_("answer"), choices=(("accept", _("accept")), ("decline", _("decline")))
    )

    def accepts(self) -> bool:
        return bool(self.cleaned_data["decision"] == "accept")


class ConsentForm(CaseForm):
    prefix_id = "consent"
    given_by = _text(_("given by (the person or their guardian)"), limit=120)
    purpose = _text(_("purpose"))
    scope = forms.ChoiceField(label=_("scope"), choices=ConsentScope.choices)
    shared = forms.MultipleChoiceField(
        label=_("data that may be shared"),
        choices=list(SHAREABLE_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    given_on = _date(_("given on"))
    expires_on = _date(_("expires on"), required=False)
    recipients = forms.MultipleChoiceField(
        label=_("organisations that may receive data (none: those of the approved plan)"),
        required=False,
    )

    def __init__(self, *args: Any, organizations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_set(self, "recipients", [(str(o.pk), o.name) for o in organizations])
        self.fields["recipients"].widget.attrs["class"] = "form-select"
        # Plain checkboxes inside their labels: Bootstrap's .form-check-input outside a
        # .form-check wrapper floats out of its box (under the next field, in RTL).
        self.fields["shared"].widget.attrs["class"] = "me-1"
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())


class ReferralForm(CaseForm):
    prefix_id = "refer"
    service = forms.ChoiceField(label=_("partner service"))
    reason = _text(_("why this service"))
    override_reason = _text(
        _("no consent: the supervisor's reason to refer anyway"), rows=2, required=False
    )

    def __init__(self, *args: Any, services: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_set(self, "service", _service_choices(services))


class VisitForm(CaseForm):
    prefix_id = "visit"
    kind = forms.ChoiceField(label=_("kind"), choices=VisitKind.choices)
    visited_on = _date(_("date"))
    next_due = _date(_("next follow-up"), required=False)
    note = _text(_("confidential note"), rows=2, required=False, limit=10_000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())


class NoteForm(CaseForm):
    prefix_id = "note"
    text = _text(_("confidential note"), rows=3, limit=10_000)


class TransferForm(CaseForm):
    prefix_id = "transfer"
    to_user = forms.ChoiceField(label=_("to the social worker"))
    reason = _text(_("reason"))

    def __init__(self, *args: Any, workers: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices_set(
            self,
            "to_user",
            _choices((str(w.pk), w.get_full_name() or w.get_username()) for w in workers),
        )


class ClosureForm(CaseForm):
    prefix_id = "closure"
    outcome = forms.ChoiceField(label=_("outcome"), choices=_choices(OUTCOME_LABELS.items()))
    note = _text(_("closure note"), rows=2, limit=2000)


class ReasonForm(CaseForm):
    prefix_id = "reason"
    reason = _text(_("reason"))


def errors_text(form: forms.Form) -> str:
    """A form's errors in one line, for the message shown after a refused post."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(str(error) for error in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " · ".join(parts)
