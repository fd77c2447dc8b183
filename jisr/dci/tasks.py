"""Background jobs of the DCI API (run by `jisr worker`): asynchronous searches, status queries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from jisr.core import jobs
from jisr.core.models import Job
from jisr.dci import services


@jobs.handler("dci.search", label=gettext_lazy("DCI search"))
def search_process(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    return services.search_process(transaction_pk=int(job.params["transaction"]), progress=progress)


@jobs.handler("dci.txn_status", label=gettext_lazy("DCI transaction status"))
def txn_status_process(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    return services.txn_status_process(
        transaction_pk=int(job.params["transaction"]), progress=progress
    )
