import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_login_page_is_indonesian_with_english_selectable(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'lang="id"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get(reverse("login")).content.decode()


def test_operator_logs_in_and_lands_on_todays_visits(client, operator_user):
    response = login(client, "operator", "ektp-test-2024", "10.1.1.1")
    assert response.status_code == 302
    assert client.get(response.url).url == reverse("visits:today")


def test_repeated_failures_lock_that_username_from_that_address_only(client, settings):
    UserFactory(username="siti")
    UserFactory(username="budi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "siti", "wrong", "10.1.1.1")

    locked = login(client, "siti", "ektp-test-2024", "10.1.1.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    # A colleague behind the same office address still logs in, and so does siti elsewhere.
    assert login(client, "budi", "ektp-test-2024", "10.1.1.1").status_code == 302
    client.logout()
    assert login(client, "siti", "ektp-test-2024", "10.9.9.9").status_code == 302
