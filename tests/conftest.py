import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fast_and_plain(settings):
    """Cheap password hashing; static files without the manifest (no collectstatic in tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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
