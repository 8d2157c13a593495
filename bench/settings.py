"""The production settings for the load benchmark's server (bench/load_reports.py): the
project's own, plus a bare view to compare with (bench/urls.py), static files without the
manifest (the benchmark runs no collectstatic) and cookies without the Secure flag: the
benchmark speaks plain HTTP to 127.0.0.1, and locust's client keeps Secure cookies to HTTPS
(production, behind the proxy of README.md, "Deploying", is HTTPS and keeps them Secure)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
