"""Web forms for the declarations; they only parse input — the services decide and validate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jisr.registry import choices as c
from jisr.registry.services import PersonInput


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601, whatever the page's language:
    Django's French format (30/11/2026) is one the picker cannot read, and it showed empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render fields without per-field markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css


class ReasonForm(StyledForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason (supporting document, visit…)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NewPersonFields(StyledForm):
    rnp_id = forms.CharField(label=_("RNP identifier"), max_length=12)
    cnie = forms.CharField(label=_("CNIE"), max_length=8, required=False)
    first_name_ar = forms.CharField(label=_("first name (Arabic)"), max_length=80)
    last_name_ar = forms.CharField(label=_("last name (Arabic)"), max_length=80)
    first_name_lat = forms.CharField(label=_("first name (Latin)"), max_length=80)
    last_name_lat = forms.CharField(label=_("last name (Latin)"), max_length=80)
    sex = forms.ChoiceField(label=_("sex"), choices=c.Sex.choices)
    birth_date = forms.DateField(label=_("birth date"), widget=DateInput)
    disability = forms.BooleanField(label=_("disability"), required=False)
    disability_severity = forms.ChoiceField(
        label=_("disability severity"),
        choices=[("", "—"), *c.DisabilitySeverity.choices],
        required=False,
    )

    def person_input(self) -> PersonInput:
        data = {name: self.cleaned_data[name] for name in NewPersonFields.base_fields}
        data["cnie"] = data["cnie"] or None
        return PersonInput(**data)


class BirthForm(ReasonForm, NewPersonFields):
    pass


class JoinForm(ReasonForm, NewPersonFields):
    relationship = forms.ChoiceField(
        label=_("relationship to the head"),
        choices=[r for r in c.Relationship.choices if r[0] != c.Relationship.HEAD],
    )
    effective = forms.DateField(label=_("from"), widget=DateInput)
    existing_rnp_id = forms.CharField(
        label=_("or an existing person's RNP identifier"), max_length=12, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.data.get("existing_rnp_id"):  # joining an existing person: no new-person fields
            for name in NewPersonFields.base_fields:
                self.fields[name].required = False


class LeaveForm(ReasonForm):
    rnp_id = forms.CharField(widget=forms.HiddenInput)
    effective = forms.DateField(label=_("left on"), widget=DateInput)


class MoveForm(ReasonForm):
    commune_code = forms.CharField(label=_("new commune (code)"), max_length=16)
    address = forms.CharField(label=_("address"), max_length=255)
    effective = forms.DateField(label=_("from"), widget=DateInput)


class SocioEconomicForm(ReasonForm):
    effective = forms.DateField(label=_("from"), widget=DateInput)
    housing_type = forms.ChoiceField(label=_("housing type"), choices=c.HousingType.choices)
    rooms = forms.IntegerField(label=_("rooms"), min_value=0, max_value=100)
    tenure = forms.ChoiceField(label=_("tenure"), choices=c.Tenure.choices)
    water_source = forms.ChoiceField(label=_("water source"), choices=c.WaterSource.choices)
    electricity = forms.ChoiceField(label=_("electricity"), choices=c.Electricity.choices)
    sanitation = forms.ChoiceField(label=_("sanitation"), choices=c.Sanitation.choices)
    has_fridge = forms.BooleanField(label=_("fridge"), required=False)
    has_tv = forms.BooleanField(label=_("television"), required=False)
    has_satellite = forms.BooleanField(label=_("satellite dish"), required=False)
    has_washing_machine = forms.BooleanField(label=_("washing machine"), required=False)
    has_computer = forms.BooleanField(label=_("computer"), required=False)
    has_internet = forms.BooleanField(label=_("internet"), required=False)
    has_car = forms.BooleanField(label=_("car"), required=False)
    has_motorbike = forms.BooleanField(label=_("motorbike"), required=False)
    mobile_phones = forms.IntegerField(label=_("mobile phones"), min_value=0, max_value=50)
    spend_water = forms.IntegerField(label=_("monthly water spending"), min_value=0)
    spend_electricity = forms.IntegerField(label=_("monthly electricity spending"), min_value=0)
    spend_butane = forms.IntegerField(label=_("monthly butane spending"), min_value=0)
    spend_telephone = forms.IntegerField(label=_("monthly telephone spending"), min_value=0)

    CHANGEABLE = (
        "housing_type",
        "rooms",
        "tenure",
        "water_source",
        "electricity",
        "sanitation",
        "has_fridge",
        "has_tv",
        "has_satellite",
        "has_washing_machine",
        "has_computer",
        "has_internet",
        "has_car",
        "has_motorbike",
        "mobile_phones",
        "spend_water",
        "spend_electricity",
        "spend_butane",
        "spend_telephone",
    )


class ContactForm(ReasonForm):
    phone = forms.CharField(label=_("contact phone"), max_length=20, required=False)


class HeadChangeForm(StyledForm):
    new_head_rnp_id = forms.CharField(label=_("new head (RNP identifier)"), max_length=12)
    former_head_relationship = forms.ChoiceField(
        label=_("the former head becomes"),
        choices=[r for r in c.Relationship.choices if r[0] != c.Relationship.HEAD],
    )
    effective = forms.DateField(label=_("from"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeathForm(StyledForm):
    rnp_id = forms.CharField(label=_("deceased (RNP identifier)"), max_length=12)
    death_date = forms.DateField(label=_("date of death"), widget=DateInput)
    new_head_rnp_id = forms.CharField(
        label=_("new head, if the head died (RNP identifier)"), max_length=12, required=False
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
