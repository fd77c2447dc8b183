"""The importer's domain errors."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from jisr.core.errors import Conflict
from jisr.core.rows import InvalidRows, RowError


class ImportRejected(InvalidRows):
    """The files have invalid rows (or cannot be read): nothing was written.

    `job_result` is what a background job records as its outcome (jisr.core.jobs.run).
    """

    code = "import_rejected"
    message = _("The files have invalid rows; nothing was written.")

    def __init__(
        self, errors: list[RowError], *, report: str = "", job_result: dict[str, Any] | None = None
    ) -> None:
        super().__init__(errors)
        self.report = report
        self.job_result = job_result


class RegistryChanged(Conflict):
    code = "registry_changed_during_import"
    message = _(
        "The registry changed while the files were being checked (someone else updated the same "
        "households or persons); nothing was written. Run the import again."
    )
