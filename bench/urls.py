"""The project's URLs and a bare view: what Django, the middleware and gunicorn cost for a
request that does nothing, the yardstick of bench/load_reports.py."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpResponse
from django.urls import path

from config.urls import handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


@login_not_required
@transaction.non_atomic_requests  # no database at all, as for /healthz before its query
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *project_urlpatterns]
