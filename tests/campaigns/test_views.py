import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    KabupatenFactory,
    ProvinsiFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


def campaign_in(kabupaten, baseline, recorded, **kwargs):
    today = timezone.localdate()
    campaign = CampaignFactory(
        kabupaten=kabupaten,
        start_date=today - datetime.timedelta(days=3),
        target_date=today + datetime.timedelta(days=10),
        extension_date=None,
        election_date=today + datetime.timedelta(days=20),
        **kwargs,
    )
    entry = BacklogEntryFactory(campaign=campaign, change=baseline)
    # A report dated after today does not count yet.
    for day, count in [(-1, recorded), (1, 999)]:
        visit = VisitFactory(
            campaign=campaign, kecamatan=entry.kecamatan, date=today + datetime.timedelta(days=day)
        )
        DailyReportFactory.build(visit=visit, recorded_count=count, first_time_voters=0).save()
    return campaign


def test_each_campaign_shows_its_status_and_percent(client, koordinator_user):
    campaign = campaign_in(KabupatenFactory(), baseline=400, recorded=100)
    client.force_login(koordinator_user)

    response = client.get(reverse("campaigns:list"))

    listed = list(response.context["object_list"])
    assert listed == [campaign]
    assert (listed[0].target, listed[0].recorded, listed[0].percent_recorded) == (400, 100, 25.0)
    assert "25,00%" in response.content.decode()


def test_a_polda_coordinator_filters_by_province(client, koordinator_user):
    ntt = ProvinsiFactory()
    papua = ProvinsiFactory(code="91", name="Papua")
    in_ntt = [campaign_in(KabupatenFactory(code=f"53.0{i}", provinsi=ntt), 100, 10) for i in (1, 3)]
    campaign_in(KabupatenFactory(code="91.03", name="Kabupaten Jayapura", provinsi=papua), 100, 10)
    client.force_login(koordinator_user)

    response = client.get(reverse("campaigns:list"), {"provinsi": "53"})

    assert set(response.context["object_list"]) == set(in_ntt)


def test_the_list_runs_the_same_queries_for_ten_times_more_campaigns(client, koordinator_user):
    client.force_login(koordinator_user)
    provinsi = ProvinsiFactory()
    campaign_in(KabupatenFactory(code="53.01", provinsi=provinsi), 100, 10)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("campaigns:list"))
    for i in range(2, 12):
        campaign_in(KabupatenFactory(code=f"53.{i:02d}", provinsi=provinsi), 100, 10)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("campaigns:list"))
    assert len(response.context["object_list"]) == 11
    assert len(many) == len(few)


def test_the_list_and_the_dashboard_give_the_same_numbers():
    """Two queries, one definition: campaigns_with_totals and campaign_progress."""
    from django.core.management import call_command

    from campaigns.models import Campaign
    from reports.progress import campaign_progress
    from reports.selectors import campaigns_with_totals

    call_command("seed_demo", verbosity=0)
    today = timezone.localdate()
    listed = campaigns_with_totals(Campaign.objects.all(), today).get(slug="ttu-2024")
    progress = campaign_progress(campaign=listed, as_of=today)
    assert (listed.target, listed.recorded) == (progress.target, progress.recorded) == (5312, 750)
    assert listed.percent_recorded == progress.percent_recorded
