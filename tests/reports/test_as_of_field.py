"""The as-of date is typed as the app writes dates, dd/mm/yyyy, in either language; links and
progress.json keep ?as_of=YYYY-MM-DD (issue 12, item 9)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def as_of_input(response):
    return re.search(r"<input[^>]*name=\"as_of\"[^>]*>", response.content.decode()).group(0)


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_field_is_a_text_box_in_dd_mm_yyyy_in_either_language(
    client, koordinator_user, demo, language
):
    client.force_login(koordinator_user)
    client.cookies["django_language"] = language

    response = client.get(reverse("campaigns:dashboard", args=[demo.slug]), {"as_of": "2024-01-23"})

    field = as_of_input(response)
    assert 'type="text"' in field and 'type="date"' not in field
    assert 'placeholder="dd/mm/yyyy"' in field
    assert 'value="23/01/2024"' in field
    assert response.context["progress"].as_of.isoformat() == "2024-01-23"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_typed_date_is_day_first_in_either_language(client, koordinator_user, demo, language):
    client.force_login(koordinator_user)
    client.cookies["django_language"] = language

    response = client.get(reverse("campaigns:dashboard", args=[demo.slug]), {"as_of": "01/02/2024"})

    assert not response.context["form"].errors
    assert response.context["progress"].as_of.isoformat() == "2024-02-01"  # 1 February


def test_a_bad_date_is_refused_in_indonesian_and_today_is_shown(client, koordinator_user, demo):
    client.force_login(koordinator_user)

    response = client.get(reverse("campaigns:dashboard", args=[demo.slug]), {"as_of": "31/02/2024"})

    assert "Tulis tanggal sebagai dd/mm/yyyy, misalnya 23/01/2024." in response.content.decode()
    assert response.context["progress"].as_of == timezone.localdate()


def test_progress_json_keeps_its_iso_dates(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    url = reverse("campaigns:progress_json", args=[demo.slug])

    assert client.get(url, {"as_of": "2024-01-23"}).json()["remaining"] == 4562
    refused = client.get(url, {"as_of": "23/01/2024"})
    assert refused.status_code == 400
    assert refused.json()["errors"]["as_of"][0]["message"] == (
        "Masukkan tanggal dengan format YYYY-MM-DD, misalnya 2024-01-23."
    )
