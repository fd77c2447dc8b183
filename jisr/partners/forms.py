"""Web forms of the partners' pages; they only parse input — the services decide and validate."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.partners.models import OutputReport, Service
from jisr.registry.forms import DateInput, StyledForm

SERVICE_PREFIX = "service_"


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
