"""The installable app: its manifest, the service worker at the site's root, the offline page.

The worker is a template (templates/pwa/sw.js) so that it names the static files by their
hashed URLs; its version changes with them, and the browser installs the new worker.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

# What the worker keeps for offline use; their content makes its version.
SHELL_FILES = ["js/sw-lib.js", "js/outbox.js", "css/site.css"]


@functools.cache
def _deployed_version():
    return _version()  # the static files change only with a deploy, and a restart


def _version():
    digest = hashlib.sha256()
    for path in SHELL_FILES:
        digest.update(static(path).encode())
        found = finders.find(path)
        if found:
            with open(found, "rb") as file:
                digest.update(file.read())
    return digest.hexdigest()[:12]


@login_not_required
@require_safe
@cache_control(no_cache=True)  # browsers check it at each visit anyway; never a stale one
def service_worker(request):
    version = _version() if settings.DEBUG else _deployed_version()
    script = render_to_string("pwa/sw.js", {"version": version}, request=request)
    return HttpResponse(script, content_type="text/javascript")


@login_not_required
@require_safe
def offline(request):
    return render(request, "pwa/offline.html")


@login_not_required
@require_safe
def manifest(request):
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
        for size in (192, 512)
    ]
    return JsonResponse(
        {
            "name": _("e-KTP recording tracker"),
            "short_name": "e-KTP",
            "lang": settings.LANGUAGE_CODE,
            "start_url": reverse("visits:today"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#f6f7f9",
            "theme_color": "#1d4e89",
            "icons": icons + [{**icons[-1], "purpose": "maskable"}],
        },
        content_type="application/manifest+json",
    )
