"""What admins stumbled on (issue 12, item 9): a campaign page carrying its whole schedule,
English and "None" on history pages, English permission names, Django's "dibawah"."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from campaigns.admin import permission_label
from tests.factories import CampaignFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def campaign():
    today = timezone.localdate()
    return CampaignFactory(
        start_date=today - 10 * DAY,
        target_date=today + 10 * DAY,
        extension_date=None,
        election_date=today + 17 * DAY,
    )


def test_the_campaign_page_shows_the_coming_weeks_visits_and_links_to_all(
    client, admin_member, campaign
):
    today = timezone.localdate()
    shown = [VisitFactory(campaign=campaign, date=today + n * DAY) for n in (0, 6)]
    hidden = [VisitFactory(campaign=campaign, date=today + n * DAY) for n in (-1, 7, 9)]
    client.force_login(admin_member)

    page = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    html = page.content.decode()
    ids = {int(i) for i in re.findall(r'name="visits-\d+-id" value="(\d+)"', html)}
    assert ids == {visit.pk for visit in shown}
    assert not ids & {visit.pk for visit in hidden}
    assert "kunjungan minggu ini (hari ini dan 6 hari berikutnya)" in html.lower()
    link = reverse("admin:campaigns_visit_changelist") + f"?campaign__id__exact={campaign.pk}"
    assert f'<a href="{link}">Semua 5 kunjungan di daftar kunjungan</a>' in html


def test_the_campaign_page_still_saves_with_visits_outside_the_week(client, admin_member, campaign):
    VisitFactory(campaign=campaign, date=timezone.localdate() + 9 * DAY)
    client.force_login(admin_member)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: (value.isoformat() if isinstance(value, datetime.date) else value)
        for name, value in form.initial.items()
        if value is not None and name not in ("created_at",)
    }
    data |= {
        "kabupaten": campaign.kabupaten_id,
        "name": "Nama baru",
        "visits-TOTAL_FORMS": 0,
        "visits-INITIAL_FORMS": 0,
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert campaign.visits.count() == 1


def test_the_history_page_is_in_indonesian_without_none(client, admin_member, campaign):
    visit = VisitFactory(campaign=campaign, date=timezone.localdate())
    visit.site_name = "Balai Desa Oelolok"
    visit.save()
    client.force_login(admin_member)

    html = client.get(reverse("admin:campaigns_visit_history", args=[visit.pk])).content.decode()

    assert "Perubahan</th>" in html and ">Changes<" not in html
    assert "None" not in html
    assert "<strong>Lokasi:</strong>" in html
    assert "—" in html and "Balai Desa Oelolok" in html
    assert 'style="' not in html.split('id="change-history"')[1]


def test_permission_names_are_indonesian_on_the_group_and_user_pages(client, admin_member):
    client.force_login(admin_member)
    add_visit = Permission.objects.get(codename="add_visit")

    assert permission_label(add_visit).endswith("| kunjungan | Dapat menambah kunjungan")
    group = Group.objects.get(name="Operator")
    html = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "Dapat melihat kunjungan" in html and "Can view visit" not in html
    assert "Can " not in html

    other = UserFactory(username="petugas")
    other.user_permissions.add(Permission.objects.get(codename="view_devicestate"))
    html = client.get(reverse("admin:auth_user_change", args=[other.pk])).content.decode()
    assert "Dapat melihat mode dan kondisi" in html  # read-only for one not a superuser
    assert "Can " not in html

    admin_member.is_superuser = True  # only a superuser sees single permissions to change
    admin_member.save()
    html = client.get(reverse("admin:auth_user_change", args=[admin_member.pk])).content.decode()
    assert "Dapat mengubah kunjungan" in html and "Can change visit" not in html
    assert "Can " not in html


def test_djangos_dibawah_is_corrected_to_di_bawah(client, admin_member, campaign):
    client.force_login(admin_member)
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])

    response = client.post(url, {"name": "", "visits-TOTAL_FORMS": 0, "visits-INITIAL_FORMS": 0})

    html = response.content.decode()
    assert "Harap perbaiki kesalahan di bawah." in html
    assert "dibawah" not in html
