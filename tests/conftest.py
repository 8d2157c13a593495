import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

from tests.factories import UserFactory


class OneRequestAtATime(WSGIServer):
    """The browser tests' server: on SQLite it shares the test's in-memory connection, which
    two threads at once find locked (a page and its service worker fetch together). The
    server thread itself holds the connection (LiveServerThread.run)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = OneRequestAtATime


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    """Cheap password hashing; static files without the manifest (no collectstatic in tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _imports_apart(settings, tmp_path):
    """Uploaded lists in a folder of the test's own; jobs run at once (ImmediateBackend)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            **settings.STORAGES["imports"],
            "OPTIONS": {
                **settings.STORAGES["imports"]["OPTIONS"],
                "location": str(tmp_path / "imports"),
            },
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _user_in(group_name, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def operator_user(db):
    return _user_in("Operator", username="operator")


@pytest.fixture
def koordinator_user(db):
    return _user_in("Koordinator", username="koordinator")


@pytest.fixture
def admin_member(db):
    """A member of the Admin group (staff, not superuser): the role, not Django's bypass."""
    return _user_in("Admin", username="dukcapil-admin", is_staff=True)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the project's language, whatever a test before it activated (the
    import jobs keep the language they were started in)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def in_february_2024(monkeypatch):
    """Today is 1 February 2024 for the code under test: the factories' campaign (18 January
    to 10 February 2024) is running, not past its last day and so closed (Campaign.is_closed).
    timezone.localdate() with a value still converts it."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return datetime.date(2024, 2, 1) if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
