import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import services
from reports.models import DailyReport
from tests.factories import CampaignFactory, DailyReportFactory, VisitFactory

pytestmark = pytest.mark.django_db


def counts(recorded, first=0, failed=0, notes=""):
    return {
        "recorded_count": recorded,
        "first_time_voters": first,
        "failed_count": failed,
        "notes": notes,
    }


def error_code(excinfo, field=None):
    error = excinfo.value
    if field is None:
        return error.code
    return error.error_dict[field][0].code


@pytest.fixture
def campaign_now():
    today = timezone.localdate()
    return CampaignFactory(
        start_date=today - datetime.timedelta(days=10),
        target_date=today + datetime.timedelta(days=10),
        extension_date=today + datetime.timedelta(days=13),
        election_date=today + datetime.timedelta(days=17),
    )


def visit_on(campaign, days_ago):
    return VisitFactory(
        campaign=campaign, date=timezone.localdate() - datetime.timedelta(days=days_ago)
    )


def test_sending_again_edits_the_same_report(operator_user, campaign_now):
    visit = visit_on(campaign_now, 0)
    first = services.daily_report_save(visit=visit, data=counts(70), by=operator_user)
    again = services.daily_report_save(visit=visit, data=counts(75, 5), by=operator_user)

    assert again.pk == first.pk
    assert DailyReport.objects.filter(visit=visit).count() == 1
    assert DailyReport.objects.get(visit=visit).recorded_count == 75


def test_the_same_counts_again_change_nothing_and_add_no_history(operator_user, campaign_now):
    visit = visit_on(campaign_now, 0)
    services.daily_report_save(visit=visit, data=counts(70), by=operator_user)
    services.daily_report_save(visit=visit, data=counts(70), by=operator_user)

    report = DailyReport.objects.get(visit=visit)
    assert report.history.count() == 1
    assert report.history.first().history_user == operator_user


def test_zero_is_a_report(operator_user, campaign_now):
    visit = visit_on(campaign_now, 0)
    report = services.daily_report_save(visit=visit, data=counts(0), by=operator_user)
    assert report.pk and report.recorded_count == 0
    assert not DailyReport.objects.filter(visit=visit_on(campaign_now, 1)).exists()


def test_a_future_visit_is_refused(operator_user, campaign_now):
    visit = visit_on(campaign_now, -1)
    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(visit=visit, data=counts(10), by=operator_user)
    assert error_code(excinfo, "visit") == "future_visit"
    assert not DailyReport.objects.exists()


def test_first_time_voters_above_recorded_are_refused(operator_user, campaign_now):
    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(
            visit=visit_on(campaign_now, 0), data=counts(10, first=11), by=operator_user
        )
    assert error_code(excinfo, "first_time_voters") == "first_time_exceeds_recorded"


def test_a_correction_within_two_days_needs_no_reason(operator_user, campaign_now):
    visit = visit_on(campaign_now, 2)
    services.daily_report_save(visit=visit, data=counts(70), by=operator_user)
    services.daily_report_save(visit=visit, data=counts(72), by=operator_user)
    assert DailyReport.objects.get(visit=visit).recorded_count == 72


def test_a_late_correction_needs_a_reason_which_is_kept(operator_user, campaign_now):
    visit = visit_on(campaign_now, 3)
    DailyReportFactory(visit=visit, recorded_count=70, first_time_voters=0)

    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(visit=visit, data=counts(80), by=operator_user)
    assert error_code(excinfo, "reason") == "reason_required"
    assert DailyReport.objects.get(visit=visit).recorded_count == 70

    services.daily_report_save(
        visit=visit, data=counts(80), by=operator_user, reason="Salah hitung formulir F-1.21"
    )
    latest = DailyReport.objects.get(visit=visit).history.first()
    assert (latest.recorded_count, latest.history_change_reason) == (
        80,
        "Salah hitung formulir F-1.21",
    )
    assert latest.history_user == operator_user


def test_a_first_report_sent_late_needs_no_reason(operator_user, campaign_now):
    visit = visit_on(campaign_now, 5)
    assert services.daily_report_save(visit=visit, data=counts(60), by=operator_user).pk


def test_a_closed_campaign_refuses_operators_and_asks_admins_for_a_reason(
    operator_user, admin_member, campaign_now
):
    visit = visit_on(campaign_now, 1)
    DailyReportFactory(visit=visit, recorded_count=70, first_time_voters=0)
    campaign_now.status = "closed"
    campaign_now.save()

    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(visit=visit, data=counts(80), by=operator_user, reason="x")
    assert error_code(excinfo) == "campaign_closed"

    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(visit=visit, data=counts(80), by=admin_member)
    assert error_code(excinfo, "reason") == "reason_required"

    services.daily_report_save(
        visit=visit, data=counts(80), by=admin_member, reason="Koreksi berita acara"
    )
    assert DailyReport.objects.get(visit=visit).recorded_count == 80


def test_a_count_above_twice_the_best_day_asks_to_confirm_then_is_flagged(
    operator_user, campaign_now
):
    DailyReportFactory(visit=visit_on(campaign_now, 2), recorded_count=75, first_time_voters=0)
    visit = visit_on(campaign_now, 0)

    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(visit=visit, data=counts(151), by=operator_user)
    assert error_code(excinfo, "recorded_count") == "needs_confirmation"
    assert not DailyReport.objects.filter(visit=visit).exists()

    report = services.daily_report_save(
        visit=visit, data=counts(151), by=operator_user, confirmed=True
    )
    assert report.needs_review
    assert "151" in report.review_reason and "75" in report.review_reason

    # Twice the best day exactly is still plausible; a correction clears the flag.
    report = services.daily_report_save(visit=visit, data=counts(150), by=operator_user)
    assert not report.needs_review and report.review_reason == ""


def test_the_campaign_maximum_per_set_asks_to_confirm(operator_user, campaign_now):
    campaign_now.max_daily_per_set = 120
    campaign_now.save()
    with pytest.raises(ValidationError) as excinfo:
        services.daily_report_save(
            visit=visit_on(campaign_now, 0), data=counts(121), by=operator_user
        )
    assert error_code(excinfo, "recorded_count") == "needs_confirmation"
    assert (
        services.daily_report_save(
            visit=visit_on(campaign_now, 1), data=counts(120), by=operator_user
        ).needs_review
        is False
    )


def test_the_first_report_of_a_campaign_is_not_an_outlier(operator_user, campaign_now):
    report = services.daily_report_save(
        visit=visit_on(campaign_now, 0), data=counts(300), by=operator_user
    )
    assert not report.needs_review
