import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from reports.models import DailyReport
from tests.factories import CampaignFactory, DailyReportFactory, DeviceFactory, VisitFactory
from tests.utils import only_error

pytestmark = pytest.mark.django_db

D = datetime.date


def _report(visit=None, **kwargs):
    """An unsaved report of a past visit (18 Jan 2024 unless given)."""
    counts = {"recorded_count": 75, "first_time_voters": 10, "failed_count": 2} | kwargs
    return DailyReport(visit=visit or VisitFactory(), **counts)


@pytest.fixture
def this_week():
    """An active campaign from five days ago to eight days ahead, around today."""
    today = timezone.localdate()
    return CampaignFactory(
        start_date=today - datetime.timedelta(days=5),
        target_date=today + datetime.timedelta(days=5),
        extension_date=today + datetime.timedelta(days=8),
        election_date=today + datetime.timedelta(days=12),
    )


def _visit_on(campaign, days_from_today):
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return VisitFactory(campaign=campaign, date=day, device=DeviceFactory(state_from=D(2000, 1, 1)))


def test_a_report_of_a_past_visit_is_valid():
    _report().full_clean()


def test_zero_recorded_is_a_valid_report():
    """A day with nobody recorded (rain, a broken generator) is still reported."""
    _report(recorded_count=0, first_time_voters=0, failed_count=0).full_clean()


def test_first_time_voters_equal_to_recorded_is_accepted():
    _report(recorded_count=12, first_time_voters=12).full_clean()


def test_more_first_time_voters_than_recorded_is_refused():
    error = only_error(_report(recorded_count=75, first_time_voters=76), "first_time_voters")

    assert error.code == "first_time_exceeds_recorded"
    with translation.override("en"):
        assert error.messages == ["First-time voters (76) cannot exceed those recorded (75)."]


def test_the_database_refuses_more_first_time_voters_than_recorded():
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        DailyReportFactory(recorded_count=75, first_time_voters=76)
    assert "dailyreport_first_time_within_recorded" in str(exc.value)


@pytest.mark.parametrize("field", ["recorded_count", "first_time_voters", "failed_count"])
def test_negative_counts_are_refused(field):
    report = _report(**{field: -1})

    with pytest.raises(ValidationError) as exc:
        report.full_clean()

    assert exc.value.error_dict[field][0].code == "min_value"


@pytest.mark.parametrize("field", ["recorded_count", "first_time_voters", "failed_count"])
def test_the_database_refuses_negative_counts(field):
    counts = {"recorded_count": 75, "first_time_voters": 0, "failed_count": 0, field: -1}
    with pytest.raises(IntegrityError), transaction.atomic():
        DailyReportFactory(**counts)


def test_a_visit_in_the_future_cannot_be_reported(this_week):
    report = _report(_visit_on(this_week, 1))

    error = only_error(report, "visit")

    assert error.code == "future_visit"


def test_a_visit_today_can_be_reported(this_week):
    _report(_visit_on(this_week, 0)).full_clean()


def test_a_closed_campaign_is_left_to_the_service():
    """An admin may still correct a closed campaign's report with a reason: the model cannot
    tell who is saving, so reports.services.daily_report_save decides (campaign_closed)."""
    report = DailyReportFactory(visit=VisitFactory(campaign=CampaignFactory(status="closed")))
    report.recorded_count = 80

    report.full_clean()


def test_a_second_report_for_a_visit_is_refused():
    first = DailyReportFactory()

    error = only_error(_report(first.visit), "visit")

    assert error.code == "unique"


def test_the_database_refuses_a_second_report_for_a_visit():
    first = DailyReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        DailyReportFactory(visit=first.visit)


def test_a_saved_report_can_be_edited():
    report = DailyReportFactory()
    report.recorded_count = 80
    report.full_clean()


def test_editing_a_report_keeps_its_history():
    report = DailyReportFactory(recorded_count=75)
    report.recorded_count = 80
    report.save()

    assert report.history.count() == 2
    older, newer = report.history.order_by("history_id")
    assert (older.recorded_count, newer.recorded_count) == (75, 80)
    assert DailyReport.objects.get().recorded_count == 80
