"""Reminders and the day's summary as wa.me links: the text written, URL-encoded, no NIK."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Profile
from tests.factories import UserFactory, VisitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def late_visit(campaign, **kwargs):
    return VisitFactory(campaign=campaign, date=TODAY() - datetime.timedelta(days=2), **kwargs)


def text_of(link):
    parts = urlsplit(link)
    return parts.path.strip("/"), parse_qs(parts.query)["text"][0]


def test_a_late_visit_has_a_reminder_to_its_operator_on_whatsapp(
    client, koordinator_user, campaign
):
    visit = late_visit(campaign, site_name="Rumah 5303051201990001")
    siti = UserFactory(username="siti", first_name="Siti")
    Profile.objects.create(user=siti, phone="6281234567890")
    visit.operators.add(siti)
    client.force_login(koordinator_user)

    ((_, _, reminders),) = client.get(reverse("visits:late")).context["late"]

    ((who, link),) = reminders
    phone, text = text_of(link)
    assert (who, phone) == ("Siti", "6281234567890")
    assert link.startswith("https://wa.me/6281234567890?text=Halo%20Siti%2C%20")
    assert text.startswith("Halo Siti, laporan kunjungan ")
    assert visit.device.code in text
    assert f"http://testserver{reverse('visits:report', args=[visit.pk])}" in text
    assert "5303051201990001" not in text and "53xxxxxxxxxx0001" in text


def test_without_a_number_the_reminder_lets_whatsapp_choose_the_contact(
    client, koordinator_user, campaign
):
    late_visit(campaign)
    client.force_login(koordinator_user)

    ((_, _, reminders),) = client.get(reverse("visits:late")).context["late"]

    ((who, link),) = reminders
    assert who == "" and link.startswith("https://wa.me/?text=")


def test_the_late_page_runs_the_same_queries_for_one_visit_or_many(
    client, koordinator_user, campaign
):
    client.force_login(koordinator_user)
    late_visit(campaign).operators.add(UserFactory())
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("visits:late"))
    for i in range(5):
        user = UserFactory()
        Profile.objects.create(user=user, phone=f"62812345678{i}")
        VisitFactory(
            campaign=campaign, date=TODAY() - datetime.timedelta(days=3 + i)
        ).operators.add(user)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("visits:late"))
    assert len(response.context["late"]) == 6
    assert len(many) == len(one)


def test_the_dashboard_shares_the_days_summary_on_whatsapp(client, koordinator_user, campaign):
    VisitFactory(campaign=campaign, date=TODAY() + datetime.timedelta(days=1))
    client.force_login(koordinator_user)

    share = client.get(reverse("campaigns:dashboard", args=[campaign.slug])).context["share"]

    phone, text = text_of(share)
    assert phone == ""
    assert text.startswith(f"Perekaman e-KTP, {campaign.name}, ")
    assert "dibutuhkan" in text and "Besok" in text


@pytest.mark.parametrize("phone", ["+6281234567890", "081234567890", "62 812 3456 7890", "62"])
def test_a_phone_number_not_in_international_form_is_refused(phone):
    with pytest.raises(ValidationError) as error:
        Profile(user=UserFactory(), phone=phone).full_clean()
    assert error.value.error_dict["phone"][0].code == "phone_format"
