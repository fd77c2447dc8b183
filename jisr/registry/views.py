"""Registry pages: search, the household page, declaration forms, the change-request queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jisr.accounts.roles import APPROVE_CHANGE, CHANGE_HOUSEHOLD, REVIEW_DUPLICATES
from jisr.core import access, audit
from jisr.core.errors import DomainError, NotFound
from jisr.geo.models import Commune
from jisr.registry import forms as f
from jisr.registry import selectors, services
from jisr.registry.errors import NameTooShort
from jisr.registry.models import Household, Person

PERSONS_SHOWN = 20


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    region = request.GET.get("region", "")
    refused = None
    try:
        search = selectors.registry_search(user=request.user, query=query, region=region)
    except NameTooShort as error:
        refused = error.text
        search = selectors.Search()  # nothing found
    page = Paginator(search.households, 25).get_page(request.GET.get("page"))
    # A list shows identifiers and places, no names; still, record who looked at which households.
    audit.read_many(
        actor=request.user, action="registry.household_listed", targets=page.object_list
    )
    # The persons the search text names (first page only: a longer list means a vaguer search).
    persons = list(search.persons[: PERSONS_SHOWN + 1])
    audit.read_many(
        actor=request.user, action="registry.person_listed", targets=persons[:PERSONS_SHOWN]
    )
    return render(
        request,
        "registry/household_list.html",
        {
            "page": page,
            "persons": persons[:PERSONS_SHOWN],
            "more_persons": len(persons) > PERSONS_SHOWN,
            "refused": refused,
            "complete": search.complete,
            "name_matches": selectors.NAME_MATCHES,
            "query": query,
            "region": region,
            "query_string": urlencode({k: v for k, v in (("q", query), ("region", region)) if v}),
        },
    )


# The declared monthly spending the index reads, each named on the household's page.
SPENDING = (
    ("spend_water", pgettext_lazy("spending", "water")),
    ("spend_electricity", pgettext_lazy("spending", "electricity")),
    ("spend_butane", pgettext_lazy("spending", "butane")),
    ("spend_telephone", pgettext_lazy("spending", "telephone")),
)


@login_required
def household_detail(request: HttpRequest, rsu_id: str) -> HttpResponse:
    detail = selectors.household_get(user=request.user, rsu_id=rsu_id)
    return render(
        request,
        "registry/household_detail.html",
        {
            "detail": detail,
            "spending": [(label, getattr(detail.household, name)) for name, label in SPENDING],
            "can_change": access.can(request.user, CHANGE_HOUSEHOLD, detail.household),
            "declarations": DECLARATIONS,
        },
    )


@login_required
def person_detail(request: HttpRequest, rnp_id: str) -> HttpResponse:
    detail = selectors.person_detail(user=request.user, rnp_id=rnp_id)
    return render(request, "registry/person_detail.html", {"detail": detail})


def _person(request: HttpRequest, rnp_id: str) -> Person:
    return selectors.person_get(user=request.user, rnp_id=rnp_id)[0]


def _commune(code: str) -> Commune:
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        raise NotFound(commune=code)
    return commune


Apply = Callable[[HttpRequest, Household, dict[str, Any], Any], object]


@dataclass(frozen=True)
class Declaration:
    slug: str
    title: Any
    form: type[forms.Form]
    apply: Apply
    done: Any
    versioned: bool = True


def _birth(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    return services.birth_declare(
        actor=request.user,
        household=h,
        expected_version=data["expected_version"],
        child=form.person_input(),
        reason=data["reason"],
    )


def _join(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    existing = data.get("existing_rnp_id")
    return services.member_join(
        actor=request.user,
        household=h,
        expected_version=data["expected_version"],
        relationship=data["relationship"],
        effective=data["effective"],
        reason=data["reason"],
        person=_person(request, existing) if existing else None,
        new_person=None if existing else form.person_input(),
    )


def _leave(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    return services.member_leave(
        actor=request.user,
        household=h,
        expected_version=data["expected_version"],
        person=_person(request, data["rnp_id"]),
        effective=data["effective"],
        reason=data["reason"],
    )


def _move(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    return services.household_move(
        actor=request.user,
        household=h,
        expected_version=data["expected_version"],
        commune=_commune(data["commune_code"]),
        address=data["address"],
        effective=data["effective"],
        reason=data["reason"],
    )


def _socio(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    changes = {
        name: data[name]
        for name in f.SocioEconomicForm.CHANGEABLE
        if data[name] != getattr(h, name)
    }
    return services.socio_economic_update(
        actor=request.user,
        household=h,
        expected_version=data["expected_version"],
        changes=changes,
        effective=data["effective"],
        reason=data["reason"],
    )


def _contact(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    return services.contact_update(
        actor=request.user,
        household=h,
        expected_version=data["expected_version"],
        phone=data["phone"],
        reason=data["reason"],
    )


def _head(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    return services.head_change_request(
        actor=request.user,
        household=h,
        new_head=_person(request, data["new_head_rnp_id"]),
        former_head_relationship=data["former_head_relationship"],
        effective=data["effective"],
        reason=data["reason"],
    )


def _death(request: HttpRequest, h: Household, data: dict[str, Any], form: Any) -> object:
    new_head = data.get("new_head_rnp_id")
    return services.death_request(
        actor=request.user,
        household=h,
        person=_person(request, data["rnp_id"]),
        death_date=data["death_date"],
        reason=data["reason"],
        new_head=_person(request, new_head) if new_head else None,
    )


DECLARATIONS = {
    d.slug: d
    for d in (
        Declaration("birth", _("Declare a birth"), f.BirthForm, _birth, _("Birth recorded.")),
        Declaration("join", _("A member joins"), f.JoinForm, _join, _("Member added.")),
        Declaration("leave", _("A member leaves"), f.LeaveForm, _leave, _("Departure recorded.")),
        Declaration("move", _("The household moves"), f.MoveForm, _move, _("Move recorded.")),
        Declaration(
            "socio-economic",
            _("Update housing, assets and spending"),
            f.SocioEconomicForm,
            _socio,
            _("Socio-economic data updated."),
        ),
        Declaration(
            "contact", _("Update the contact phone"), f.ContactForm, _contact, _("Contact updated.")
        ),
        Declaration(
            "head",
            _("Request a new head of household"),
            f.HeadChangeForm,
            _head,
            _("Request sent for approval."),
            versioned=False,
        ),
        Declaration(
            "death",
            _("Declare a death"),
            f.DeathForm,
            _death,
            _("Request sent for approval."),
            versioned=False,
        ),
    )
}


def _initial(
    declaration: Declaration, household: Household, request: HttpRequest
) -> dict[str, Any]:
    initial: dict[str, Any] = {"expected_version": household.version, **request.GET.dict()}
    if declaration.slug == "socio-economic":
        initial.update({name: getattr(household, name) for name in f.SocioEconomicForm.CHANGEABLE})
    if declaration.slug == "contact":
        initial["phone"] = household.phone
    return initial


def _show_error(form: forms.Form, error: DomainError) -> None:
    fields = error.details.get("fields", {}) if isinstance(error.details, dict) else {}
    for name, reason in fields.items():
        form.add_error(name if name in form.fields else None, str(reason))
    if not fields:
        form.add_error(None, str(error.text))


@login_required
def declare(request: HttpRequest, rsu_id: str, slug: str) -> HttpResponse:
    declaration = DECLARATIONS.get(slug)
    if declaration is None:
        raise NotFound()
    household = selectors.household_get(user=request.user, rsu_id=rsu_id).household
    access.require(request.user, CHANGE_HOUSEHOLD, household)
    form = declaration.form(request.POST or None, initial=_initial(declaration, household, request))
    if request.method == "POST" and form.is_valid():
        try:
            declaration.apply(request, household, form.cleaned_data, form)
        except DomainError as error:
            _show_error(form, error)
        else:
            messages.success(request, declaration.done)
            return redirect("registry:household_detail", rsu_id=household.rsu_id)
    return render(
        request,
        "registry/declare.html",
        {
            "household": household,
            "declaration": declaration,
            "form": form,
        },
    )


@login_required
def change_request_queue(request: HttpRequest) -> HttpResponse:
    if not access.has_action(request.user, APPROVE_CHANGE):
        raise NotFound()
    queue = selectors.change_request_queue(user=request.user)
    if request.method == "POST":
        form = f.DecisionForm(request.POST)
        request_id = request.POST.get("request_id", "")
        change_request = queue.filter(pk=int(request_id)).first() if request_id.isdigit() else None
        if change_request is None:
            raise NotFound()
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "approve":
                    services.change_request_approve(
                        actor=request.user,
                        change_request=change_request,
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("Approved and applied."))
                else:
                    services.change_request_reject(
                        actor=request.user,
                        change_request=change_request,
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("Rejected."))
            except DomainError as error:
                messages.error(request, str(error.text))
        return redirect("registry:change_request_queue")
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    return render(request, "registry/change_request_queue.html", {"page": page})


@login_required
def duplicate_queue(request: HttpRequest) -> HttpResponse:
    """Pairs side by side; the reviewer keeps one record (a merge request) or separates them."""
    if not access.has_action(request.user, REVIEW_DUPLICATES):
        raise NotFound()
    queue = selectors.duplicate_queue(user=request.user)
    if request.method == "POST":
        pair_id = request.POST.get("pair_id", "")
        candidate = queue.filter(pk=int(pair_id)).first() if pair_id.isdigit() else None
        if candidate is None:
            raise NotFound()
        decision, note = request.POST.get("decision", ""), request.POST.get("note", "").strip()
        try:
            if decision == "distinct":
                services.duplicate_mark_distinct(actor=request.user, candidate=candidate, note=note)
                messages.success(request, _("Marked as two different persons."))
            else:
                services.duplicate_merge_request(
                    actor=request.user,
                    candidate=candidate,
                    keep=decision,
                    reason=note or str(_("Same person registered twice.")),
                )
                messages.success(request, _("Merge requested: a second person must approve it."))
        except DomainError as error:
            messages.error(request, str(error.text))
        return redirect("registry:duplicate_queue")
    page = Paginator(queue, 20).get_page(request.GET.get("page"))
    audit.read_many(
        actor=request.user,
        action="registry.duplicates_reviewed",
        targets=[p for pair in page for p in (pair.left, pair.right)],
    )
    return render(request, "registry/duplicate_queue.html", {"page": page})
