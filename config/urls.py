import logging

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from config import pwa
from reports.views import home
from residents import import_views

logger = logging.getLogger(__name__)


@login_not_required
@require_safe
@transaction.non_atomic_requests  # ATOMIC_REQUESTS would connect before the view could catch
def healthz(request):
    """Liveness for a load balancer: the app answers and the database too (else 503)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("Health check: the database is unreachable: %s", exc)
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


handler500 = "config.errors.server_error"

admin.site.site_header = "e-KTP Tracker"
admin.site.site_title = "e-KTP Tracker"

urlpatterns = [
    path("", home, name="home"),
    # Log in, log out and change one's password. No e-mail reset: admins reset passwords.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Open to anonymous users too: the language is chosen on the login page.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # The installable app (config/pwa.py): the worker must be at the root to cover every page.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("campaigns/", include("reports.campaign_urls")),
    path("provinces/", include("reports.province_urls")),
    path("campaigns/<slug:slug>/backlog/", include("residents.urls")),
    path(
        "campaigns/<slug:slug>/import/",
        import_views.import_residents,
        name="import_residents",
    ),
    path(
        "campaigns/<slug:slug>/import/<uuid:job_id>/",
        import_views.import_job,
        name="import_job",
    ),
    path(
        "campaigns/<slug:slug>/import/<uuid:job_id>/refused.csv",
        import_views.import_refused_csv,
        name="import_refused_csv",
    ),
    path("visits/", include("reports.urls")),
    # The resident list, a resident's page, pasted NIKs and invitation lists of a visit.
    path("", include("residents.list_urls")),
]
