"""Web forms of the partners' pages; they only parse input — the services decide and validate."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jisr.partners.models import (
    Funder,
    IndicatorMeasure,
    Organization,
    OutputReport,
    Service,
    Tranche,
)
from jisr.registry.forms import DateInput, StyledForm

SERVICE_PREFIX = "service_"
# What the database holds (PositiveIntegerField): a larger target is refused as input, not a 500.
MAX_TARGET = 2_147_483_647


class DirectorySearchForm(StyledForm):
    commune = forms.CharField(label=_("Commune (code)"), max_length=16, required=False)
    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    age = forms.IntegerField(
        label=_("Age of the person"), min_value=0, max_value=130, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.attrs.update({"list": "communes", "dir": "ltr"})


class ReportForm(StyledForm):
    """People served, then services delivered by each of the organisation's services."""

    people_served = forms.IntegerField(label=_("People served in the period"), min_value=0)

    def __init__(
        self, *args: Any, services: Iterable[Service], report: OutputReport | None, **kwargs: Any
    ) -> None:
        initial: dict[str, Any] = {}
        if report is not None:
            initial = {"people_served": report.people_served, "note": report.note}
            initial |= {
                f"{SERVICE_PREFIX}{line.service_id}": line.delivered for line in report.lines.all()
            }
        super().__init__(*args, initial=initial, **kwargs)
        for service in services:
            self.fields[f"{SERVICE_PREFIX}{service.pk}"] = forms.IntegerField(
                label=_("Services delivered: %s") % service.display_name,
                min_value=0,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )
        self.fields["note"] = forms.CharField(
            label=_("Note"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        )

    def delivered(self) -> dict[uuid.UUID, int]:
        return {
            uuid.UUID(name.removeprefix(SERVICE_PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(SERVICE_PREFIX) and value is not None
        }


class PayForm(StyledForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput)
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=60)


# --- Agreements: these forms only parse; the services (jisr.partners.services.agreements) decide
# what is allowed and say why not, against the field at fault.
class AmountField(forms.DecimalField):
    """MAD with two places, as the services take it; the browser's number input."""

    def __init__(self, **kwargs: Any) -> None:
        widget = forms.NumberInput(attrs={"step": "0.01", "dir": "ltr"})
        super().__init__(max_digits=14, decimal_places=2, widget=widget, **kwargs)


def _offer(form: forms.Form, name: str, choices: QuerySet[Any]) -> None:
    """The records a choice field offers (known only once the agreement or the user is)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  (declared so in the form)
    field.queryset = choices


class AgreementForm(StyledForm):
    """A new draft agreement; the organisations offered are those the manager's scope reaches."""

    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    reference = forms.CharField(label=_("Reference"), max_length=40)
    funder = forms.ChoiceField(label=_("Funder"), choices=Funder.choices)
    start = forms.DateField(label=_("Start date"), widget=DateInput)
    end = forms.DateField(label=_("End date"), widget=DateInput)
    budget = AmountField(label=_("Budget (MAD)"))
    contribution = AmountField(label=_("State contribution (MAD)"))
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organizations: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "organization", organizations)
        self.fields["reference"].widget.attrs["dir"] = "ltr"


class TrancheChoiceField(forms.ModelChoiceField[Tranche]):
    def label_from_instance(self, obj: Tranche) -> str:
        return _("Tranche %(number)s — %(amount)s MAD, due %(due)s") % {
            "number": obj.number,
            "amount": obj.amount,
            "due": obj.due_date.isoformat(),
        }


class TrancheForm(StyledForm):
    amount = AmountField(label=_("Amount (MAD)"))
    due_date = forms.DateField(label=_("Due date"), widget=DateInput)
    conditions = forms.CharField(
        label=_("Conditions (as written in the agreement)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReportDueForm(StyledForm):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput)
    due_date = forms.DateField(label=_("Due by"), widget=DateInput)
    tranche = TrancheChoiceField(
        label=_("Condition of the tranche"),
        queryset=Tranche.objects.none(),
        required=False,
        empty_label=_("None (the agreement as a whole)"),
    )

    def __init__(self, *args: Any, tranches: QuerySet[Tranche], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "tranche", tranches)


class IndicatorForm(StyledForm):
    tranche = TrancheChoiceField(label=_("Tranche"), queryset=Tranche.objects.none())
    measure = forms.ChoiceField(label=_("Measure"), choices=IndicatorMeasure.choices)
    target = forms.IntegerField(label=_("Target to reach"), max_value=MAX_TARGET)
    service = forms.ModelChoiceField(
        label=_("Service (services delivered only)"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("All the organisation's services"),
    )
    label = forms.CharField(label=_("Label (optional)"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        tranches: QuerySet[Tranche],
        services: QuerySet[Service],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _offer(self, "tranche", tranches)
        _offer(self, "service", services)


class ActivateForm(StyledForm):
    signed_on = forms.DateField(label=_("Signed on"), widget=DateInput)


class CloseForm(StyledForm):
    # Not required here: the service refuses an empty note with its own message.
    note = forms.CharField(
        label=_("Why close it (final report, audit…)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
