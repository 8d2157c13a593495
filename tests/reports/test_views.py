import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OperatorScope
from reports.models import DailyReport
from tests.factories import (
    DailyReportFactory,
    KecamatanFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def visit_on(campaign, days_ago, **kwargs):
    return VisitFactory(
        campaign=campaign, date=TODAY() - datetime.timedelta(days=days_ago), **kwargs
    )


def report_url(visit):
    return reverse("visits:report", args=[visit.pk])


def post(client, visit, **data):
    fields = {"recorded_count": "", "first_time_voters": "0", "failed_count": "0", "notes": ""}
    return client.post(report_url(visit), {**fields, **data})


def test_today_lists_todays_visits_and_earlier_unreported_ones(client, operator_user, campaign):
    today = visit_on(campaign, 0)
    today.operators.add(operator_user)
    late = visit_on(campaign, 3)
    reported = visit_on(campaign, 2)
    DailyReportFactory(visit=reported)
    tomorrow = visit_on(campaign, -1)
    someone_elses = visit_on(campaign, 0)
    someone_elses.operators.add(UserFactory())

    client.force_login(operator_user)
    response = client.get(reverse("visits:today"))

    assert response.status_code == 200
    listed = list(response.context["visits"])
    # The visit naming them first; then, by date, those of their area naming someone else.
    assert listed == [today, late, someone_elses]
    for absent in (reported, tomorrow):
        assert absent not in listed


def test_a_scoped_operator_sees_every_visit_of_their_kecamatan_today(client, campaign):
    """Limited to Miomaffo Barat, they see its two visits though neither names them."""
    mine = KecamatanFactory(kabupaten=campaign.kabupaten, name="Miomaffo Barat")
    user = UserFactory(username="scoped")
    user.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=user).kecamatan.add(mine)
    first, second = (visit_on(campaign, 0, kecamatan=mine) for _ in range(2))
    first.operators.add(UserFactory())
    named = visit_on(campaign, 1, kecamatan=mine)
    named.operators.add(user)
    visit_on(campaign, 0).operators.add(user)  # outside their area: never listed
    client.force_login(user)

    listed = list(client.get(reverse("visits:today")).context["visits"])

    assert listed == [named, *sorted([first, second], key=lambda v: v.device.code)]


def test_today_runs_the_same_queries_for_one_visit_or_many(client, operator_user, campaign):
    client.force_login(operator_user)
    visit_on(campaign, 0)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("visits:today"))
    for days in range(1, 6):
        DailyReportFactory(visit=visit_on(campaign, 0))
        visit_on(campaign, days)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("visits:today"))
    assert len(response.context["visits"]) == 11
    assert len(many) == len(one)


def test_a_report_is_saved_and_the_page_redirects(client, operator_user, campaign):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count="75", first_time_voters="9")

    assert response.status_code == 302 and response.url == report_url(visit)
    report = DailyReport.objects.get(visit=visit)
    assert (report.recorded_count, report.first_time_voters, report.created_by) == (
        75,
        9,
        operator_user,
    )
    page = client.get(report_url(visit))
    assert b"75" in page.content


def test_sending_twice_keeps_one_report(client, operator_user, campaign):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)
    post(client, visit, recorded_count="75")
    post(client, visit, recorded_count="75")
    post(client, visit, recorded_count="76")
    assert DailyReport.objects.filter(visit=visit).count() == 1
    assert DailyReport.objects.get(visit=visit).recorded_count == 76


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"recorded_count": "-1"}, "recorded_count", "greater than or equal to 0"),
        ({"recorded_count": ""}, "recorded_count", "This field is required"),
        ({"recorded_count": "abc"}, "recorded_count", "Enter a whole number"),
        ({"recorded_count": "5", "failed_count": "-3"}, "failed_count", "greater than or equal"),
        (
            {"recorded_count": "5", "first_time_voters": "6"},
            "first_time_voters",
            "First-time voters (6) cannot exceed those recorded (5).",
        ),
    ],
)
def test_bad_counts_get_a_message_next_to_the_field(
    client, operator_user, campaign, data, field, message
):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)
    client.cookies["django_language"] = "en"
    response = post(client, visit, **data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not DailyReport.objects.exists()


def test_messages_are_in_indonesian_by_default(client, operator_user, campaign):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)
    response = post(client, visit, recorded_count="5", first_time_voters="6")
    assert (
        "Pemilih pemula (6) tidak boleh melebihi jumlah yang direkam (5)."
        in (response.context["form"].errors["first_time_voters"])
    )
    assert response["Content-Language"] == "id"


def test_a_future_visit_shows_no_form_and_refuses_a_post(client, operator_user, campaign):
    visit = visit_on(campaign, -2)
    client.force_login(operator_user)
    rules = client.get(report_url(visit)).context["rules"]
    assert not rules.may_send
    assert rules.refusal == "Kunjungan ini belum berlangsung; laporkan pada hari pelaksanaannya."
    response = post(client, visit, recorded_count="10")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not DailyReport.objects.exists()


def test_an_outlier_asks_for_confirmation_then_is_flagged_for_review(
    client, operator_user, campaign
):
    DailyReportFactory(visit=visit_on(campaign, 1), recorded_count=75, first_time_voters=0)
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count="400")
    assert response.status_code == 200
    assert response.context["form"].needs_confirmation()
    assert b'name="confirm"' in response.content
    assert not DailyReport.objects.filter(visit=visit).exists()

    response = post(client, visit, recorded_count="400", confirm="on")
    assert response.status_code == 302
    assert DailyReport.objects.get(visit=visit).needs_review

    late_page = client.get(reverse("visits:late"))
    assert visit in list(late_page.context["flagged"])


def test_a_late_correction_without_reason_is_refused_next_to_the_reason_field(
    client, operator_user, campaign
):
    visit = visit_on(campaign, 4)
    DailyReportFactory(visit=visit, recorded_count=70, first_time_voters=0, failed_count=0)
    client.force_login(operator_user)

    response = post(client, visit, recorded_count="71")
    assert response.context["form"].errors["reason"]
    response = post(client, visit, recorded_count="71", reason="Formulir terlambat masuk")
    assert response.status_code == 302

    page = client.get(report_url(visit))
    change = page.context["history"]["changes"][0]
    assert change.reason == "Formulir terlambat masuk"
    assert change.who == operator_user
    assert [(old, new) for _, old, new in change.fields] == [(70, 71)]
    assert "Formulir terlambat masuk" in page.content.decode()


def test_a_report_corrected_all_day_shows_its_last_ten_changes_in_as_many_queries(
    client, operator_user, campaign
):
    """Under load a report is corrected again and again (bench/load_reports.py): its page
    shows the last ten saves, so that it stays as fast as with one."""
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)
    post(client, visit, recorded_count="10")
    with CaptureQueriesContext(connection) as one:
        first = client.get(report_url(visit))
    assert len(first.context["history"]["changes"]) == 1
    for count in range(11, 41):
        post(client, visit, recorded_count=str(count))

    with CaptureQueriesContext(connection) as thirty:
        page = client.get(report_url(visit))

    assert len(thirty) == len(one)
    changes = page.context["history"]["changes"]
    assert len(changes) == 10
    assert [(old, new) for _, old, new in changes[0].fields] == [(39, 40)]
    assert [(old, new) for _, old, new in changes[-1].fields] == [(30, 31)]
    assert not any(change.created for change in changes)
    assert "Perubahan yang lebih lama ada di halaman admin." in page.content.decode()
    assert "lebih lama" not in first.content.decode()


def test_late_page_lists_unreported_past_visits_with_days_late(client, koordinator_user, campaign):
    late = visit_on(campaign, 3)
    visit_on(campaign, 0)
    DailyReportFactory(visit=visit_on(campaign, 2))
    client.force_login(koordinator_user)

    response = client.get(reverse("visits:late"))

    assert response.status_code == 200
    assert [(visit, days) for visit, days, _ in response.context["late"]] == [(late, 3)]


def test_a_scoped_operator_sees_and_reports_only_their_kecamatan(client, campaign):
    mine = KecamatanFactory(kabupaten=campaign.kabupaten)
    user = UserFactory(username="scoped")
    user.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=user).kecamatan.add(mine)
    own = visit_on(campaign, 0, kecamatan=mine)
    other = visit_on(campaign, 0)
    client.force_login(user)

    assert list(client.get(reverse("visits:today")).context["visits"]) == [own]
    assert client.get(report_url(other)).status_code == 404
    assert post(client, other, recorded_count="5").status_code == 404
    assert not DailyReport.objects.filter(visit=other).exists()


def test_a_koordinator_reads_the_report_page_but_cannot_post(client, koordinator_user, campaign):
    visit = visit_on(campaign, 0)
    client.force_login(koordinator_user)
    page = client.get(report_url(visit))
    assert page.status_code == 200 and page.context["form"] is None
    assert post(client, visit, recorded_count="5").status_code == 403
    assert not DailyReport.objects.exists()


def test_after_login_an_operator_lands_on_todays_visits(client, operator_user):
    client.force_login(operator_user)
    assert client.get("/").url == reverse("visits:today")


def test_after_login_a_koordinator_lands_on_the_campaigns(client, koordinator_user):
    client.force_login(koordinator_user)
    assert client.get("/").url == reverse("campaigns:list")


def test_an_admin_reports_a_closed_campaigns_visit_with_a_reason(client, admin_member, campaign):
    visit = visit_on(campaign, 1)
    campaign.status = "closed"
    campaign.save()
    client.force_login(admin_member)

    page = client.get(report_url(visit))
    assert b'name="reason"' in page.content  # shown before anything is refused

    refused = post(client, visit, recorded_count="60")
    assert [e.code for e in refused.context["form"].errors.as_data()["reason"]] == [
        "reason_required"
    ]
    assert (
        post(client, visit, recorded_count="60", reason="Berita acara susulan").status_code == 302
    )
    assert DailyReport.objects.get(visit=visit).history.first().history_change_reason == (
        "Berita acara susulan"
    )


def test_a_stale_form_does_not_overwrite_a_colleagues_edit_in_silence(client, campaign):
    """Operator A saves new notes; B sends the form as B loaded it, changing only the failed
    count. B is shown both values and saves nothing until B sends again knowingly."""
    visit = visit_on(campaign, 0)
    a, b = (UserFactory(username=name) for name in ("ani", "budi"))
    for user in (a, b):
        user.groups.add(Group.objects.get(name="Operator"))
    DailyReportFactory(visit=visit, recorded_count=70, failed_count=0, notes="")
    client.force_login(b)
    loaded = client.get(report_url(visit)).context["form"]
    b_form = {name: loaded[name].value() for name in loaded.fields if name != "confirm"}
    b_form = {k: "" if v is None else v for k, v in b_form.items()}

    client.force_login(a)
    a_form = b_form | {"notes": "Genset mati jam 10"}
    assert client.post(report_url(visit), a_form).status_code == 302

    client.force_login(b)
    response = client.post(report_url(visit), b_form | {"failed_count": "3"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["stale"]
    # Failed attempts, then notes: saved now, and B's.
    conflict = [(saved, sent) for _label, saved, sent in response.context["conflict"]]
    assert conflict == [(0, 3), ("Genset mati jam 10", "—")]
    assert "Genset mati jam 10" in response.text and "ani" in response.text
    report = DailyReport.objects.get(visit=visit)
    assert (report.notes, report.failed_count) == ("Genset mati jam 10", 0)

    # Sent again from the form as it came back: B chose to replace A's values.
    again = response.context["form"]
    resend = {name: again[name].value() or "" for name in again.fields if name != "confirm"}
    assert client.post(report_url(visit), resend).status_code == 302
    report.refresh_from_db()
    assert (report.notes, report.failed_count) == ("", 3)


def test_a_double_tap_of_the_same_first_report_is_not_a_conflict(client, operator_user, campaign):
    visit = visit_on(campaign, 0)
    client.force_login(operator_user)
    for _ in range(2):  # both sent from the page as opened, before any report
        assert post(client, visit, recorded_count="75", version="0").status_code == 302
    assert DailyReport.objects.get(visit=visit).recorded_count == 75


def test_the_offline_script_reads_visit_ids_as_written_not_as_numbers(
    client, operator_user, campaign
):
    """Indonesian writes 4411 as 4.411: the ids the script reads must stay plain."""
    visit = visit_on(campaign, 0, id=4411)
    client.force_login(operator_user)

    form = client.get(report_url(visit)).content.decode()
    today = client.get(reverse("visits:today")).content.decode()

    assert 'data-visit="4411"' in form and 'data-outbox="4411"' in form
    assert 'data-outbox-visit="4411"' in today


def test_the_plan_shows_a_nik_typed_in_a_site_name_masked_to_a_koordinator(
    client, koordinator_user, campaign
):
    visit_on(campaign, 1, site_name="Rumah 5303051203900001")
    client.force_login(koordinator_user)
    page = client.get(reverse("campaigns:plan", args=[campaign.slug])).content.decode()
    assert "Rumah 53xxxxxxxxxx0001" in page
    assert "5303051203900001" not in page
