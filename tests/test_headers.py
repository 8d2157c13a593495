"""Security headers on every page of the permission matrix, and sessions that end when idle."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.middleware import SessionMiddleware
from tests import test_permissions as matrix

pytestmark = pytest.mark.django_db
world = matrix.world  # the permission matrix's campaign, visit and resident

# Inline code that a policy without 'unsafe-inline' would block: a <script> without src, a
# <style> element, a style="" attribute, an on…="" handler, a javascript: link.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>\s*\S|<style[\s>]|\sstyle=|\son[a-z]+=|javascript:", re.I
)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", matrix.ROLES)
@pytest.mark.parametrize("name", list(matrix.MATRIX))
def test_every_page_has_the_policies_and_is_not_stored(client, world, name, role, method):
    args, data, _ = matrix.MATRIX[name]
    user = matrix.user_for(role, world)
    if user:
        client.force_login(user)
    url = reverse(name, args=matrix.url_args(args, world))
    data = matrix.post_data(data, world) if method == "post" else None
    response = getattr(client, method)(url, data)

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert not INLINE.search(response.content.decode()), INLINE.search(
            response.content.decode()
        )


def left(session):
    session.refresh_from_db()
    return session.expire_date - timezone.now()


def test_a_session_ends_after_a_working_day_idle(client, settings, operator_user):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    day = datetime.timedelta(hours=8)
    client.post(reverse("login"), {"username": "operator", "password": "ektp-test-2024"})
    session = Session.objects.get()
    assert day - datetime.timedelta(minutes=1) < left(session) <= day

    # A request soon after writes nothing (the end moves at most every five minutes)...
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(hours=7))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("visits:today")).status_code == 200
    assert not [q for q in queries if "UPDATE" in q["sql"] and "django_session" in q["sql"]]
    assert left(session) < datetime.timedelta(hours=7)

    # ... a request later starts the whole day again.
    store = client.session
    store[SessionMiddleware.SEEN] -= SessionMiddleware.REFRESH_SECONDS
    store.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(reverse("visits:today")).status_code == 200
    assert day - datetime.timedelta(minutes=1) < left(session) <= day

    # Past its end, the next request goes to the login page.
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("visits:today"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
