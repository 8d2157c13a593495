"""Uploading the backlog list: the check (a dry run) and the save run as background jobs,
each with a page that shows its progress and, at the end, its summary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from campaigns.models import Campaign
from residents import exports, import_jobs, selectors
from residents.forms import UploadForm
from residents.importer import ImportRefused
from residents.permissions import may_import

REFRESH_SECONDS = 2  # how often a running job's page reloads itself
JOBS_LISTED = 20


def import_residents(request, slug):
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten"), slug=slug)
    if not may_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_jobs.import_job_create(
                campaign=campaign, user=request.user, upload=form.cleaned_data["file"]
            )
        except ImportRefused as refused:
            form.add_error("file", refused.message)
        else:
            return redirect("import_job", slug=campaign.slug, job_id=job.pk)
    jobs = selectors.visible_import_jobs(campaign=campaign, user=request.user)[:JOBS_LISTED]
    return render(
        request, "residents/import.html", {"campaign": campaign, "form": form, "jobs": jobs}
    )


def import_job(request, slug, job_id):
    """A job's progress while it runs (the page reloads itself), then its summary; a checked
    file's save is sent from here."""
    campaign, job = _job(request, slug, job_id)
    if request.method == "POST":
        try:
            save = import_jobs.import_job_save(job=job, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("import_residents", slug=campaign.slug)
        return redirect("import_job", slug=campaign.slug, job_id=save.pk)
    context = {
        "campaign": campaign,
        "job": job,
        "result": import_jobs.result_from_json(job.result),
        "refresh": None if job.finished else REFRESH_SECONDS,
    }
    return render(request, "residents/import_job.html", context)


@require_safe
def import_refused_csv(request, slug, job_id):
    """The rows the job refused, in the file's own columns with the reasons: fixed in Excel,
    they are imported on their own. They hold full NIKs: the download is logged."""
    campaign, job = _job(request, slug, job_id)
    if not job.refused_file:
        raise Http404
    try:
        file = import_jobs.storage().open(job.refused_file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    exports.refused_rows_export_record(job=job, request=request)
    name = exports.refused_rows_filename(job)
    return FileResponse(file, as_attachment=True, filename=name, content_type="text/csv")


def _job(request, slug, job_id):
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten"), slug=slug)
    if not may_import(request.user):
        raise PermissionDenied
    return campaign, get_object_or_404(
        selectors.visible_import_jobs(campaign=campaign, user=request.user), pk=job_id
    )
