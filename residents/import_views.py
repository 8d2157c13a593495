"""Uploading the backlog list: a dry run first, then the save of the same file."""

import re
import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign, OperatorScope
from residents.importer import ImportRefused, residents_import

STALE_SECONDS = 24 * 3600  # an upload left unsaved is removed after a day: it holds NIKs


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Backlog list"),
        help_text=gettext_lazy(
            "CSV (UTF-8, comma or semicolon) or Excel .xlsx, with a header row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


def may_import(user):
    """Operators and admins, but not those limited to some kecamatan: a list covers the
    whole kabupaten."""
    return user.has_perm("residents.add_resident") and (
        OperatorScope.kecamatan_codes_for(user) is None
    )


def import_residents(request, slug):
    campaign = get_object_or_404(Campaign.objects.select_related("kabupaten"), slug=slug)
    if not may_import(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"campaign": campaign, "form": form}
    if request.method == "POST" and "token" in request.POST:
        return _save(request, campaign, request.POST["token"], request.POST.get("filename", ""))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = _store(request.user, upload)
        try:
            result = residents_import(
                campaign=campaign, path=path, filename=upload.name, by=request.user, dry_run=True
            )
        except ImportRefused as refused:
            path.unlink(missing_ok=True)
            form.add_error("file", refused.message)
        else:
            context |= {"result": result, "token": path.name, "filename": upload.name}
    return render(request, "residents/import.html", context)


def _save(request, campaign, token, filename):
    path = _stored(request.user, token)
    if path is None:
        messages.error(request, _("That upload is no longer here; upload the file again."))
        return redirect(request.path)
    try:
        result = residents_import(
            campaign=campaign, path=path, filename=filename, by=request.user, dry_run=False
        )
    except ImportRefused as refused:
        messages.error(request, refused.message)
        return redirect(request.path)
    finally:
        path.unlink(missing_ok=True)
    messages.success(
        request,
        _("%(count)s residents imported; %(refused)s rows refused.")
        % {"count": result.accepted, "refused": result.refused},
    )
    return redirect("backlog:list", slug=campaign.slug)


def _directory():
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        if old.stat().st_mtime < time.time() - STALE_SECONDS:
            old.unlink(missing_ok=True)
    return directory


def _store(user, upload):
    suffix = Path(upload.name).suffix.lower()[:6]
    path = _directory() / f"{user.pk}-{secrets.token_hex(16)}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def _stored(user, token):
    """The user's own stored upload, never a path the request made up."""
    if not re.fullmatch(rf"{user.pk}-[0-9a-f]{{32}}(\.[a-z]{{1,5}})?", token):
        return None
    path = _directory() / token
    return path if path.is_file() else None
