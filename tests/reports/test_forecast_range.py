"""Issue 12, item 8: the range the projected end may fall in, from the spread of the daily
totals so far; and item 9's count of the reports that await review, linked per role."""

import datetime
import math
import statistics

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from reports.models import DailyReport
from reports.progress import (
    RANGE_MIN_DAYS,
    campaign_progress,
    pace_error,
    projected_range,
    status_sentence,
)
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KecamatanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2024, 1, 23)  # the campaigns below: target 7 Feb (15 days on), extension 10 Feb (18)


def totals(*recorded):
    """Daily totals as the selector gives them, newest first: (date, recorded, visits)."""
    return [(AS_OF - datetime.timedelta(days=i), n, 2) for i, n in enumerate(recorded)]


# The pure functions, on hand-made daily totals.


def test_the_error_is_the_spread_of_the_daily_totals_over_the_root_of_the_pace_days():
    # Mean 150, sample standard deviation 50 (deviations ±50 four times, 0 once: 10,000 / 4).
    assert pace_error(totals(100, 200, 150, 100, 200)) == pytest.approx(50 / math.sqrt(5))
    # Three days: the pace averages three, the error is their spread over √3.
    assert pace_error(totals(90, 100, 110)) == pytest.approx(10 / math.sqrt(3))


def test_the_spread_is_of_every_day_so_far_while_the_pace_is_the_last_five():
    days = totals(150, 150, 150, 150, 150, 50, 250)  # the two oldest vary, the pace does not
    expected = statistics.stdev([150] * 5 + [50, 250]) / math.sqrt(5)  # 57.7 / √5 = 25.8
    assert pace_error(days) == pytest.approx(expected)
    # 4,562 left at 150 ± 25.8: 4,562 / 175.8 = 25.9 → 26 days; 4,562 / 124.2 = 36.7 → 37.
    assert projected_range(AS_OF, 4562, days) == (D(2024, 2, 18), D(2024, 2, 29))


def test_the_range_from_known_mean_and_spread():
    # 4,562 left (the worked example) at 150 ± 22.36 a day:
    # 4,562 / 172.36 = 26.5 → 27 days, 19 Feb; 4,562 / 127.64 = 35.7 → 36 days, 28 Feb;
    # the projection itself, 4,562 / 150 = 30.4 → 31 days, 23 Feb, lies between.
    assert projected_range(AS_OF, 4562, totals(100, 200, 150, 100, 200)) == (
        D(2024, 2, 19),
        D(2024, 2, 28),
    )


def test_no_spread_gives_the_projection_itself():
    assert projected_range(AS_OF, 4562, totals(150, 150, 150, 150, 150)) == (
        D(2024, 2, 23),
        D(2024, 2, 23),
    )


@pytest.mark.parametrize("days", [0, 1, RANGE_MIN_DAYS - 1])
def test_too_few_days_give_no_range(days):
    daily = totals(*[100 + 50 * i for i in range(days)])
    assert pace_error(daily) is None
    assert projected_range(AS_OF, 1000, daily) == (None, None)


def test_a_slow_end_at_no_pace_has_no_latest_date():
    # Mean 100, spread 173.2, error 100: the slow end is 0 a day, which never finishes.
    assert projected_range(AS_OF, 1000, totals(0, 0, 300)) == (D(2024, 1, 28), None)


def test_nothing_left_is_done_on_the_day():
    assert projected_range(AS_OF, 0, totals(90, 100, 110)) == (AS_OF, AS_OF)


# Through the selector, the sentence, the JSON and the pages.


def campaign_with(remaining, recorded, **kwargs):
    """A campaign with `recorded` reported on the days before AS_OF (newest first) and
    `remaining` left."""
    campaign = CampaignFactory(**kwargs)
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=remaining + sum(recorded))
    for day, count in enumerate(recorded, start=1):
        visit = VisitFactory(
            campaign=campaign,
            kecamatan=kecamatan,
            date=AS_OF - datetime.timedelta(days=day),
            device=DeviceFactory(),
        )
        DailyReportFactory(visit=visit, recorded_count=count, first_time_voters=0)
    return campaign


def sentence(campaign, language="en"):
    with translation.override(language):
        return status_sentence(campaign_progress(campaign=campaign, as_of=AS_OF))


def test_a_range_across_the_target_date():
    # 1,550 left at 100 ± 5.77: 15 days (7 Feb) to 17 days (9 Feb); projected 16, 8 Feb.
    campaign = campaign_with(1550, [90, 100, 110])
    p = campaign_progress(campaign=campaign, as_of=AS_OF)
    assert (p.projected_completion_earliest, p.projected_completion_date) == (
        D(2024, 2, 7),
        D(2024, 2, 8),
    )
    assert (p.projected_completion_latest, p.status) == (D(2024, 2, 9), "needs_extension")
    assert sentence(campaign) == (
        "At the current pace of 100 a day, recording ends on 02/08/2024: after the target "
        "date 02/07/2024, within the extension to 02/10/2024. Given how the daily totals vary, "
        "recording likely ends between 02/07/2024 and 02/09/2024: either side of the target "
        "date 02/07/2024. To finish by 02/07/2024, 103 a day would be needed (2 sets in all)."
    )


def test_a_range_across_the_extension_in_indonesian():
    # 1,750 left at 100 ± 5.77: 17 days (9 Feb) to 19 days (11 Feb).
    campaign = campaign_with(1750, [90, 100, 110])
    assert sentence(campaign, "id") == (
        "Dengan laju saat ini 100 per hari, perekaman selesai pada 10/02/2024: sesudah "
        "tanggal target 07/02/2024, masih dalam perpanjangan sampai 10/02/2024. Mengingat "
        "total harian yang naik turun, perekaman kemungkinan selesai antara 09/02/2024 dan "
        "11/02/2024: bisa sebelum atau sesudah perpanjangan sampai 10/02/2024. Agar selesai "
        "pada 07/02/2024, dibutuhkan 117 per hari (seluruhnya 2 alat)."
    )


def test_a_range_across_both_deadlines():
    # 1,600 left at 100 ± 28.9: 13 days (5 Feb) to 23 days (15 Feb).
    campaign = campaign_with(1600, [50, 100, 150])
    assert "between 02/05/2024 and 02/15/2024: either side of the target date 02/07/2024 " in (
        sentence(campaign)
    )
    assert "and of the extension to 02/10/2024." in sentence(campaign)


def test_a_range_with_no_slow_end_says_so():
    campaign = campaign_with(1000, [0, 0, 300])
    assert (
        "likely ends on 01/28/2024 or later, perhaps not within ten years: either side of "
        "the target date 02/07/2024 and of the extension to 02/10/2024."
    ) in sentence(campaign)


def test_a_range_within_the_target_date_leaves_the_sentence_alone():
    # 1,000 left at 100 ± 5.77: 10 to 11 days, well before 7 Feb.
    campaign = campaign_with(1000, [90, 100, 110])
    assert sentence(campaign) == (
        "At the current pace of 100 a day, recording ends on 02/02/2024, in time for the "
        "target date 02/07/2024."
    )


def test_the_json_carries_the_range(client, koordinator_user):
    campaign = campaign_with(1550, [90, 100, 110])
    client.force_login(koordinator_user)
    url = reverse("campaigns:progress_json", args=[campaign.slug])
    data = client.get(url, {"as_of": AS_OF.isoformat()}).json()
    assert data["projected_completion_date"] == "2024-02-08"
    assert (data["projected_completion_earliest"], data["projected_completion_latest"]) == (
        "2024-02-07",
        "2024-02-09",
    )
    few = campaign_with(1550, [90, 110])
    url = reverse("campaigns:progress_json", args=[few.slug])
    data = client.get(url, {"as_of": AS_OF.isoformat()}).json()
    assert data["projected_completion_date"] == "2024-02-08"  # 100 a day, as before
    assert (data["projected_completion_earliest"], data["projected_completion_latest"]) == (
        None,
        None,
    )


def dashboard(client, campaign):
    url = reverse("campaigns:dashboard", args=[campaign.slug])
    return client.get(url, {"as_of": AS_OF.isoformat()}).content.decode()


def test_the_dashboard_and_briefing_show_the_range_and_how_it_is_computed(client, koordinator_user):
    campaign = campaign_with(1550, [90, 100, 110])
    client.force_login(koordinator_user)
    page = dashboard(client, campaign)
    assert "kemungkinan 07/02/2024 s.d. 09/02/2024" in page
    assert (
        "Rentang: laju 3 hari terakhir ± galat bakunya, 6 per hari (simpangan baku 3 total "
        "harian sejauh ini ÷ √3)."
    ) in page
    url = reverse("campaigns:briefing", args=[campaign.slug])
    briefing = client.get(url, {"as_of": AS_OF.isoformat()}).content.decode()
    assert "kemungkinan 7 Feb s.d. 9 Feb" in briefing  # day and month: one line on A4


def test_too_few_days_say_there_is_no_range_yet(client, koordinator_user):
    campaign = campaign_with(1550, [90, 110])
    client.force_login(koordinator_user)
    page = dashboard(client, campaign)
    assert "08/02/2024" in page  # the projection stands
    assert "belum ada rentang: kurang dari 3 hari yang ada laporannya" in page
    assert "Rentang:" not in page


# Item 9: the reports that await review, counted and linked per role.


@pytest.fixture
def flagged_campaign():
    campaign = campaign_with(1000, [90, 100, 110])
    for report in campaign.visits.order_by("date")[:2]:
        report.report.needs_review = True
        report.report.review_reason = "Jauh di atas yang biasa direkam satu alat"
        report.report.save()
    return campaign


def test_admins_are_linked_to_the_admins_list_of_flagged_reports(client, flagged_campaign):
    admin = User.objects.create_superuser("boss", password="x")
    client.force_login(admin)
    page = dashboard(client, flagged_campaign)
    link = (
        f"{reverse('admin:reports_dailyreport_changelist')}"
        f"?needs_review__exact=1&amp;visit__campaign__id__exact={flagged_campaign.pk}"
    )
    assert f'<a class="badge late" href="{link}">2 laporan yang dihitung di sini menunggu ' in (
        page
    )
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.context["cl"].result_count == 2


def test_admin_group_members_are_linked_to_the_admin_too(client, admin_member, flagged_campaign):
    client.force_login(admin_member)
    page = dashboard(client, flagged_campaign)
    assert reverse("admin:reports_dailyreport_changelist") in page
    listed = client.get(
        reverse("admin:reports_dailyreport_changelist"),
        {"needs_review__exact": 1, "visit__campaign__id__exact": flagged_campaign.pk},
    )
    assert listed.status_code == 200 and listed.context["cl"].result_count == 2


@pytest.mark.usefixtures("in_february_2024")  # the campaign runs: its late page lists it
@pytest.mark.parametrize("role", ["koordinator_user", "operator_user"])
def test_others_are_linked_to_the_read_only_list(client, request, role, flagged_campaign):
    client.force_login(request.getfixturevalue(role))
    other = campaign_with(1000, [50, 50, 50])  # another campaign's flag is neither counted
    DailyReport.objects.filter(visit__campaign=other).update(needs_review=True)  # nor listed
    page = dashboard(client, flagged_campaign)
    link = reverse("visits:late") + f"?campaign={flagged_campaign.slug}#review"
    assert f'<a class="badge late" href="{link}">2 laporan' in page
    assert "/admin/" not in page
    listed = client.get(reverse("visits:late"), {"campaign": flagged_campaign.slug})
    assert listed.status_code == 200
    assert len(listed.context["flagged"]) == 2
    assert "Jauh di atas yang biasa direkam satu alat" in listed.content.decode()


def test_a_closed_campaigns_flags_are_counted_without_a_link(
    client, koordinator_user, flagged_campaign
):
    flagged_campaign.status = "closed"
    flagged_campaign.save()
    client.force_login(koordinator_user)
    page = dashboard(client, flagged_campaign)
    assert '<span class="badge late">2 laporan yang dihitung di sini menunggu' in page
    assert "#review" not in page


def test_no_flags_no_badge(client, koordinator_user):
    campaign = campaign_with(1000, [90, 100, 110])
    client.force_login(koordinator_user)
    assert "menunggu" not in dashboard(client, campaign)


def test_the_late_page_refuses_an_unknown_campaign(client, koordinator_user):
    client.force_login(koordinator_user)
    assert client.get(reverse("visits:late"), {"campaign": "nope"}).status_code == 404
