"""The directory as Open Referral HSDS 3.0: the export is valid against the HSDS JSON schemas, a
bad document is refused whole with errors naming the object and field, an import is idempotent,
and export → import into an empty directory gives the same directory."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from jisr.core.errors import AccessDenied
from jisr.core.models import AuditEvent
from jisr.partners import demo, selectors, services
from jisr.partners.errors import HsdsRefused
from jisr.partners.hsds import terms
from jisr.partners.models import (
    Agreement,
    Contact,
    Indicator,
    Language,
    Location,
    Organization,
    OrganizationMember,
    OutputReport,
    OutputReportLine,
    Phone,
    ReportDue,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Tranche,
)

pytestmark = pytest.mark.django_db
DIRECTORY_MODELS = (
    Schedule,
    ServiceAtLocation,
    ServiceArea,
    Language,
    Phone,
    Contact,
    Service,
    Location,
    Organization,
)


def hsds_registry() -> Registry[Any]:
    """The packaged HSDS schema files, each under its file name (their `$ref`s use those)."""
    folder = resources.files("jisr.partners.hsds").joinpath("schemas")
    return Registry().with_resources(
        (entry.name, DRAFT202012.create_resource(json.loads(entry.read_text("utf-8"))))
        for entry in folder.iterdir()
        if entry.name.endswith(".json")
    )


def hsds_errors(instance: Any, schema_file: str) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": schema_file}, registry=hsds_registry(), format_checker=FormatChecker()
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


def directory_rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DIRECTORY_MODELS}


def directory_empty() -> None:
    """An empty partners app: the agreements and staff that hold on to the directory go first."""
    holders: tuple[type[Model], ...] = (
        OutputReportLine, OutputReport, Indicator, ReportDue, Tranche, Agreement,
        OrganizationMember,
    )  # fmt: skip
    for model in (*holders, *DIRECTORY_MODELS):
        model._default_manager.all().delete()


def test_the_schemas_are_hsds_3_unchanged_with_their_licence() -> None:
    folder = resources.files("jisr.partners.hsds").joinpath("schemas")
    names = {entry.name for entry in folder.iterdir()}
    assert {"organization.json", "service.json", "location.json", "service_at_location.json"} <= (
        names
    )
    assert {"schedule.json", "service_area.json", "language.json", "LICENSE.txt"} <= names
    licence = folder.joinpath("LICENSE.txt").read_text("utf-8")
    assert "Attribution-ShareAlike 4.0" in licence
    reference = Path("/work/shared/reference/hsds-3")
    if reference.exists():  # the copies are the reference files, byte for byte
        for name in names - {"LICENSE.txt", "README.txt"}:
            assert folder.joinpath(name).read_bytes() == (reference / name).read_bytes(), name


def test_export_is_valid_hsds(directory: dict[str, Any]) -> None:
    documents = selectors.directory_hsds(user=None)
    assert len(documents) == 6
    assert sum(len(d["services"]) for d in documents) == 11
    for organization in documents:
        without_services = {k: v for k, v in organization.items() if k != "services"}
        assert hsds_errors(without_services, "organization.json") == []
        for service in organization["services"]:
            assert hsds_errors(service, "service.json") == []
            for place in service["service_at_locations"]:
                assert hsds_errors(place, "service_at_location.json") == []
                assert hsds_errors(place["location"], "location.json") == []
            for area in service["service_areas"]:
                assert hsds_errors(area, "service_area.json") == []
    one = selectors.service_hsds(
        user=None, service_id=Service.objects.get(name="Soutien scolaire").pk
    )
    assert hsds_errors(one, "service.json") == []
    assert one["organization"]["id"] == one["organization_id"]


def test_the_validator_rejects_what_hsds_rejects(directory: dict[str, Any]) -> None:
    service = selectors.directory_hsds(user=None)[0]["services"][0]
    broken = {**service, "id": "not-a-uuid", "status": "open"}
    errors = hsds_errors(broken, "service.json")
    assert any("'not-a-uuid' is not a 'uuid'" in e for e in errors)
    assert any("'open' is not one of" in e for e in errors)


def test_jisr_fields_travel_as_hsds_attributes(directory: dict[str, Any]) -> None:
    nour = selectors.organization_hsds(user=None, organization_id=directory["nour"].pk)
    values = {a["taxonomy_term"]["code"]: a["value"] for a in nour["attributes"]}
    assert values == {"organization_kind": "association", "region": "06"}
    assert nour["alternate_name"] == "جمعية نور لإدماج الأطفال في وضعية إعاقة"
    day_centre = next(s for s in nour["services"] if s["minimum_age"] == 3)
    codes = {a["taxonomy_term"]["code"]: a["value"] for a in day_centre["attributes"]}
    assert codes == {"requires_disability": "true", "places": "40", "places_taken": "36"}
    assert day_centre["maximum_age"] == 18
    assert [lang["code"] for lang in day_centre["languages"]] == sorted(
        ["ar", "ary", "fr"], key=lambda code: demo._id("nour", "day-centre", "language", code)
    )
    assert day_centre["schedules"][0] | {"id": "", "service_id": ""} == {
        "id": "", "service_id": "", "freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR",
        "opens_at": "08:30", "closes_at": "16:30",
    }  # fmt: skip


def test_round_trip_into_an_empty_directory_gives_the_same_directory(
    directory: dict[str, Any], tmp_path: Path
) -> None:
    call_command("partners", "export-hsds", "--out", str(tmp_path))
    exported = json.loads((tmp_path / "organizations.json").read_text("utf-8"))
    before = directory_rows()
    directory_empty()
    assert sum(directory_rows().values()) == 0
    call_command("partners", "import-hsds", str(tmp_path))
    assert directory_rows() == before
    assert selectors.directory_hsds(user=None) == exported


def test_import_is_idempotent_by_hsds_id(directory: dict[str, Any]) -> None:
    documents = selectors.directory_hsds(user=None)
    events = AuditEvent.objects.count()
    summary = services.directory_import(actor=None, documents=documents)
    assert not summary.changed
    assert summary.unchanged["service"] == 11
    assert AuditEvent.objects.count() == events  # nothing changed, nothing recorded


def test_import_updates_and_replaces_the_details_it_lists(directory: dict[str, Any]) -> None:
    documents = selectors.directory_hsds(user=None)
    nour = next(d for d in documents if d["id"] == str(directory["nour"].pk))
    service = nour["services"][0]
    service["status"] = "temporarily closed"
    service["languages"] = service["languages"][:1]
    del service["last_modified"]
    summary = services.directory_import(actor=None, documents=[nour])
    assert summary.updated["service"] == 1
    assert summary.removed == 2
    stored = Service.objects.get(pk=service["id"])
    assert stored.status == "temporarily closed"
    assert stored.languages.count() == 1
    assert AuditEvent.objects.filter(action="partners.directory_imported").exists()


def bad_document(directory: dict[str, Any]) -> list[dict[str, Any]]:
    documents = copy.deepcopy(selectors.directory_hsds(user=None))
    nour = next(d for d in documents if d["id"] == str(directory["nour"].pk))
    nour["name"] = "Changed name that must not be written"
    service = nour["services"][1]
    service["status"] = "open"  # not an HSDS status
    service["schedules"][0]["id"] = "schedule-1"  # not a uuid
    del nour["services"][0]["service_at_locations"][0]["location"]["location_type"]
    return documents


def test_a_bad_document_is_refused_with_each_object_and_field_and_nothing_changes(
    directory: dict[str, Any],
) -> None:
    documents = bad_document(directory)
    before, events = directory_rows(), AuditEvent.objects.count()
    with pytest.raises(HsdsRefused) as refused:
        services.directory_import(actor=None, documents=documents)
    problems = {(p["object"], p["id"], p["field"]) for p in refused.value.details["problems"]}
    service = documents[0]["services"][1]
    location = documents[0]["services"][0]["service_at_locations"][0]["location"]
    assert ("service", service["id"], "status") in problems
    assert ("schedule", "schedule-1", "id") in problems
    assert ("location", location["id"], "location_type") in problems
    wheres = {p["where"] for p in refused.value.details["problems"]}
    assert "organizations.json[0].services[1].status" in wheres
    assert directory_rows() == before
    assert AuditEvent.objects.count() == events
    assert Organization.objects.get(pk=directory["nour"].pk).name_fr != documents[0]["name"]


def test_jisr_checks_after_the_schema_name_object_and_field(directory: dict[str, Any]) -> None:
    documents = copy.deepcopy(selectors.directory_hsds(user=None))
    nour = documents[0]
    nour["attributes"] = [a for a in nour["attributes"] if a["taxonomy_term"]["code"] != "region"]
    service = nour["services"][0]
    service["maximum_age"], service["minimum_age"] = 2, 10
    area = service["service_areas"][0]
    area["attributes"][0]["value"] = "99.99.999"
    service["email"] = "x" * 300 + "@example.com"
    documents.append(copy.deepcopy(nour))  # the same organisation twice
    with pytest.raises(HsdsRefused) as refused:
        services.directory_import(actor=None, documents=documents)
    found = {(p["object"], p["field"]): p for p in refused.value.details["problems"]}
    assert ("organization", "region") in found
    assert found[("service", "maximum_age")]["message"] == (
        "the maximum age is below the minimum age"
    )
    assert "no such commune: '99.99.999'" in found[("service_area", "commune")]["message"]
    assert ("service", "email") in found
    assert found[("organization", "id")]["message"] == "this id is used by two objects"


def test_a_service_cannot_move_to_another_organisation(directory: dict[str, Any]) -> None:
    documents = selectors.directory_hsds(user=None)
    first, second = documents[0], documents[1]
    moved = first["services"].pop()
    moved["organization_id"] = second["id"]
    moved["service_at_locations"] = []
    second["services"].append(moved)
    with pytest.raises(HsdsRefused) as refused:
        services.directory_import(actor=None, documents=[second])
    assert [(p["object"], p["id"], p["field"]) for p in refused.value.details["problems"]] == [
        ("service", moved["id"], "organization_id")
    ]


def test_import_needs_the_right_and_the_regions_in_scope(
    directory: dict[str, Any], manager_oriental: Any, worker: Any, manager: Any
) -> None:
    documents = selectors.directory_hsds(user=manager)
    nour = next(d for d in documents if d["id"] == str(directory["nour"].pk))
    with pytest.raises(AccessDenied):
        services.directory_import(actor=worker, documents=[nour])
    with pytest.raises(AccessDenied):
        services.directory_import(actor=manager_oriental, documents=[nour])
    nour["description"] = "Mise à jour par la région."
    services.directory_import(actor=manager, documents=[nour])
    assert Organization.objects.get(pk=nour["id"]).description == "Mise à jour par la région."


def test_the_command_prints_every_problem_and_exits_refused(
    directory: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "organizations.json").write_text(json.dumps(bad_document(directory)), "utf-8")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("partners", "import-hsds", str(tmp_path))
    printed = capsys.readouterr().err
    assert "organizations.json[0].services[1].status: service" in printed
    assert ": status: 'open' is not one of" in printed
    (tmp_path / "organizations.json").write_text("{not json", "utf-8")
    with pytest.raises(CommandError, match="is not JSON"):
        call_command("partners", "import-hsds", str(tmp_path))


def test_a_foreign_hsds_document_without_jisr_terms_needs_a_region(communes: None) -> None:
    document = {
        "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        "name": "Example Organization",
        "description": "An organisation from another HSDS system.",
        "services": [
            {
                "id": "ac148810-d857-441c-9679-408f346de14b",
                "name": "Counselling",
                "status": "active",
            }
        ],
    }
    with pytest.raises(HsdsRefused) as refused:
        services.directory_import(actor=None, documents=document)
    assert [(p["object"], p["field"]) for p in refused.value.details["problems"]] == [
        ("organization", "region")
    ]
    document["attributes"] = [
        {
            "id": "0b9c3e0e-5a49-4a36-8c5a-7f8f3b3f7c11",
            "taxonomy_term_id": str(terms.term_id("region")),
            "value": "02",
        }
    ]
    services.directory_import(actor=None, documents=document)
    organization = Organization.objects.get(pk=document["id"])
    assert (organization.kind, organization.region_id) == ("other", "02")
    assert organization.services.get().name == "Counselling"
