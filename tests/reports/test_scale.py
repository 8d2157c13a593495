"""seed_scale's shape (not its speed), and the pages that `make bench` measures running the
same number of queries for a small campaign and a big one, in a small database and a fuller
one: a count that grows with the data would be a query per row."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Campaign, Visit
from devices.models import Device
from regions.services import regions_import
from reports.models import DailyReport
from reports.scale import DAYS, DAYS_GONE, NATIONAL_DESA, seed_scale
from residents.models import BacklogEntry, Resident
from residents.nik import clean_nik

pytestmark = pytest.mark.django_db
PER_DESA = 3
RESIDENTS = NATIONAL_DESA * PER_DESA  # the national total that gives about 3 a desa
SMALL, BIG = "53.71", "53.08"  # Kota Kupang (6 kecamatan, 51 desa), Manggarai (21, 278)


@pytest.fixture
def ntt(db):
    regions_import(province="53")


def rows(slug):
    return list(
        Resident.objects.filter(campaign__slug=slug)
        .order_by("nik")
        .values_list("nik", "name", "sex", "birth_date", "desa", "status")
    )


def test_each_campaign_has_its_sets_visits_reports_baselines_and_residents(ntt):
    made = seed_scale(residents=RESIDENTS, seed=7, only=[SMALL, "53.03"])

    assert made["campaigns"] == Campaign.objects.count() == 2
    for campaign in Campaign.objects.all():
        sets = Device.objects.filter(code__startswith=f"{campaign.kabupaten_id}-").count()
        visits = Visit.objects.filter(campaign=campaign)
        assert 2 <= sets <= 6
        assert visits.count() == sets * DAYS
        assert visits.values("device", "date").distinct().count() == sets * DAYS
        reports = DailyReport.objects.filter(visit__campaign=campaign)
        assert reports.count() == sets * DAYS_GONE  # the days gone, not today's or later
        residents = Resident.objects.filter(campaign=campaign)
        baseline = BacklogEntry.objects.filter(campaign=campaign).aggregate(n=Sum("change"))["n"]
        assert residents.count() == baseline  # the ledger agrees with the list
        desa = campaign.kabupaten.kecamatan.aggregate(n=Count("desa"))["n"]
        assert desa * PER_DESA * 0.5 <= baseline <= desa * PER_DESA * 1.5 + desa
        # What the reports say was recorded is the residents marked recorded, visit by visit.
        marked = dict(
            residents.filter(status="recorded")
            .values("recorded_visit")
            .annotate(n=Count("pk"))
            .values_list("recorded_visit", "n")
        )
        assert marked == dict(
            reports.filter(recorded_count__gt=0).values_list("visit", "recorded_count")
        )
    for nik, desa in Resident.objects.values_list("nik", "desa"):
        assert clean_nik(nik) == nik and nik[:6] == desa[:8].replace(".", "")


def wipe():
    for model in (Resident, DailyReport, Visit, BacklogEntry, Device, Campaign):
        model.objects.all().delete()


def test_the_same_seed_gives_the_same_rows_alone_or_among_others(ntt):
    seed_scale(residents=RESIDENTS, seed=7, only=[SMALL, BIG])
    among_others = rows("scale-53-71")
    wipe()

    seed_scale(residents=RESIDENTS, seed=7, only=[SMALL])
    assert rows("scale-53-71") == among_others

    wipe()
    seed_scale(residents=RESIDENTS, seed=8, only=[SMALL])
    assert rows("scale-53-71") != among_others


def test_a_number_of_campaigns_is_drawn_by_the_seed(ntt):
    out = StringIO()
    call_command("seed_scale", "--residents", "20000", "--campaigns", "3", stdout=out)
    assert Campaign.objects.count() == 3
    assert "Dibuat 3 kegiatan perekaman" in out.getvalue()
    with pytest.raises(CommandError, match="99.99"):
        call_command("seed_scale", "--only", "99.99")


def users():
    made = {}
    for name, group in [("k", "Koordinator"), ("o", "Operator")]:
        made[name] = User.objects.create_user(name)
        made[name].groups.add(Group.objects.get(name=group))
    return made


def page_queries(client, slug):
    """The number of queries of each page `make bench` measures, for one campaign."""
    someone = Resident.objects.filter(campaign__slug=slug).order_by("pk").first()
    residents = reverse("residents:list", args=[slug])
    found = client["o"].post(residents, {"q": someone.nik}).headers["Location"]
    pages = {
        "dashboard": ("k", reverse("campaigns:dashboard", args=[slug]), {}),
        "progress.json": ("k", reverse("campaigns:progress_json", args=[slug]), {}),
        "per-kecamatan table": ("k", reverse("campaigns:kecamatan", args=[slug]), {}),
        "briefing": ("k", reverse("campaigns:briefing", args=[slug]), {}),
        "search by name": ("o", residents, {"q": someone.name}),
        "search by last 4 digits": ("o", residents, {"q": someone.nik[-4:]}),
        "search by whole NIK": ("o", found, {}),
        "campaign list, NTT": ("k", reverse("campaigns:list"), {"provinsi": "53"}),
        "campaign list, country": ("k", reverse("campaigns:list"), {}),
    }
    counts = {}
    for label, (who, url, data) in pages.items():
        client[who].get(url, data)  # the first request fills what a session keeps
        with CaptureQueriesContext(connection) as queries:
            response = client[who].get(url, data)
        assert response.status_code == 200, url
        counts[label] = len(queries)
    return counts


def test_the_benchmarked_pages_run_as_many_queries_whatever_the_size(ntt):
    client = {}
    for name, user in users().items():
        client[name] = Client()
        client[name].force_login(user)
    seed_scale(residents=RESIDENTS, seed=7, only=[SMALL])
    small_alone = page_queries(client, "scale-53-71")

    seed_scale(residents=RESIDENTS * 2, seed=7, only=[BIG, "53.03", "53.02"])
    assert page_queries(client, "scale-53-71") == small_alone  # more data around it
    assert page_queries(client, "scale-53-08") == small_alone  # a campaign 5× the size
