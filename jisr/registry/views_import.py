"""Web upload of households and persons files: saved, imported by a background job, reported."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from jisr.accounts.roles import CHANGE_HOUSEHOLD, VIEW_AUDIT
from jisr.core import access, jobs
from jisr.core.errors import AccessDenied, NotFound
from jisr.core.models import Job
from jisr.registry.forms import StyledForm
from jisr.registry.importer.reading import EXTENSIONS
from jisr.registry.importer.tasks import KIND, REPORT_NAME, job_directory

# A web upload is a commune's or a region's batch; national loads go through `jisr registry import`.
MAX_UPLOAD_BYTES = getattr(settings, "JISR_IMPORT_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)


def _file_field(label: Any) -> forms.FileField:
    return forms.FileField(
        label=label,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS)}),
    )


class ImportForm(StyledForm):
    households = _file_field(_("Households file (CSV, XLSX or Parquet)"))
    persons = _file_field(_("Persons file (CSV, XLSX or Parquet)"))
    skip_invalid = forms.BooleanField(
        label=_("Import the valid households and reject the others"), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total = 0
        for name in ("households", "persons"):
            upload: UploadedFile | None = data.get(name)
            if upload is None:
                continue
            if Path(upload.name or "").suffix.lower() not in EXTENSIONS:
                self.add_error(name, _("Give a .csv, .xlsx or .parquet file."))
            total += upload.size or 0
        if total > MAX_UPLOAD_BYTES:
            limit = MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(
                _("The files are too large (at most %(mb)d MB together).") % {"mb": limit}
            )
        return data


def _may_import(request: HttpRequest) -> None:
    if (
        not access.has_action(request.user, CHANGE_HOUSEHOLD)
        or access.user_scope(request.user).empty
    ):
        raise AccessDenied(permission=CHANGE_HOUSEHOLD)


def _save(upload: UploadedFile, directory: Path, stem: str) -> None:
    target = directory / f"{stem}{Path(upload.name or '').suffix.lower()}"
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    """Upload page → files saved under DATA_DIR/imports/<job>/ → job → its progress page."""
    _may_import(request)
    too_large = int(request.META.get("CONTENT_LENGTH") or 0) > MAX_UPLOAD_BYTES + 1024 * 1024
    form = ImportForm(
        request.POST or None if not too_large else None,
        request.FILES or None if not too_large else None,
    )
    if too_large:
        form.add_error(
            None,
            _("The files are too large (at most %(mb)d MB together).")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():  # the worker sees the job only once its files are saved
            job = jobs.enqueue(
                kind=KIND,
                params={
                    "skip_invalid": data["skip_invalid"],
                    "reason": data["reason"],
                },
                actor=request.user,
            )
            directory = job_directory(job.pk)
            directory.mkdir(parents=True, exist_ok=True)
            _save(data["households"], directory, "households")
            _save(data["persons"], directory, "persons")
        return redirect("job_detail", job_id=job.pk)
    return render(
        request,
        "registry/import_upload.html",
        {"form": form, "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        status=413 if too_large else 200,
    )


@login_required
def import_report(request: HttpRequest, job_id: int) -> FileResponse:
    """The error report of an import job: for whoever started it, and for auditors."""
    job = Job.objects.filter(pk=job_id, kind=KIND).first()
    if job is None or not (
        job.created_by_id == request.user.pk or access.can(request.user, VIEW_AUDIT)
    ):
        raise NotFound()
    path = job_directory(job.pk) / REPORT_NAME
    if not path.is_file():
        raise NotFound()
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{job.pk}-errors.csv",
        content_type="text/csv; charset=utf-8",
    )
