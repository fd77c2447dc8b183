"""The partners app's writes: the directory (`directory`, HSDS `hsds` import), agreements and
tranches (`agreements`), partner output reports (`reports`)."""

from jisr.partners.services.agreements import (
    DRAFT_ITEMS,
    agreement_activate,
    agreement_close,
    agreement_create,
    draft_item_remove,
    indicator_add,
    report_due_add,
    tranche_add,
    tranche_conditions_meet,
    tranche_pay,
    tranche_withhold,
)
from jisr.partners.services.directory import (
    organization_create,
    organization_member_add,
    organization_member_remove,
    service_area_add,
    service_capacity_set,
    service_create,
    service_update,
)
from jisr.partners.services.hsds import ImportSummary, directory_import, directory_import_path
from jisr.partners.services.reports import (
    output_report_return,
    output_report_save,
    output_report_submit,
)

__all__ = [
    "DRAFT_ITEMS",
    "ImportSummary",
    "agreement_activate",
    "agreement_close",
    "agreement_create",
    "directory_import",
    "directory_import_path",
    "draft_item_remove",
    "indicator_add",
    "organization_create",
    "organization_member_add",
    "organization_member_remove",
    "output_report_return",
    "output_report_save",
    "output_report_submit",
    "report_due_add",
    "service_area_add",
    "service_capacity_set",
    "service_create",
    "service_update",
    "tranche_add",
    "tranche_conditions_meet",
    "tranche_pay",
    "tranche_withhold",
]
