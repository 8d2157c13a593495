"""Reports sent by the page's script with the phone's id: never doubled, applied in order,
refused with the reason to show on the phone."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import DailyReport
from tests.factories import DailyReportFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def visit(campaign):
    return VisitFactory(campaign=campaign, date=TODAY())


def send(client, visit, submission, *, after="", version=0, **counts):
    data = {
        "recorded_count": "60",
        "first_time_voters": "0",
        "failed_count": "0",
        "notes": "",
        "version": version,
        "submission": submission,
        "after": after,
    } | counts
    url = reverse("visits:report", args=[visit.pk])
    return client.post(url, data, headers={"Accept": "application/json"})


def test_the_same_send_twice_is_one_report_applied_once(client, operator_user, visit):
    client.force_login(operator_user)
    submission = uuid.uuid4()

    first = send(client, visit, submission, recorded_count="60")
    again = send(client, visit, submission, recorded_count="60")

    # What the page needs to show itself as saved, without loading itself again.
    assert first.json() == {
        "status": "saved",
        "message": "Laporan disimpan: 60 direkam.",
        "version": 1,
        "badge": "Sudah dilaporkan: 60 direkam",
        "below_marked": False,
    }
    assert again.status_code == 200 and again.json()["status"] == "saved"
    report = DailyReport.objects.get(visit=visit)
    assert (report.recorded_count, report.version, report.history.count()) == (60, 1, 1)


def test_a_resend_of_an_older_send_does_not_undo_a_later_one(client, operator_user, visit):
    client.force_login(operator_user)
    first, second = uuid.uuid4(), uuid.uuid4()
    send(client, visit, first, recorded_count="60")
    send(client, visit, second, after=first, recorded_count="65")

    send(client, visit, first, recorded_count="60")  # a retry of the first arriving late

    assert DailyReport.objects.get(visit=visit).recorded_count == 65


def test_two_offline_edits_are_applied_in_the_order_they_were_made(client, operator_user, visit):
    """Both typed offline on the form as it was (version 0); the second after the first."""
    client.force_login(operator_user)
    first, second = uuid.uuid4(), uuid.uuid4()

    assert send(client, visit, first, recorded_count="60").json()["status"] == "saved"
    assert send(client, visit, second, after=first, recorded_count="62").json()["status"] == (
        "saved"
    )

    report = DailyReport.objects.get(visit=visit)
    assert (report.recorded_count, report.version) == (62, 2)
    assert [r.recorded_count for r in report.history.order_by("history_id")] == [60, 62]


def test_an_offline_edit_over_a_colleagues_save_is_refused_as_stale(client, operator_user, visit):
    client.force_login(operator_user)
    first, second = uuid.uuid4(), uuid.uuid4()
    send(client, visit, first, recorded_count="60")
    colleague = UserFactory(username="budi")
    colleague.groups.add(*operator_user.groups.all())
    client.force_login(colleague)
    send(client, visit, uuid.uuid4(), version=1, recorded_count="70", failed_count="2")
    client.force_login(operator_user)

    refused = send(client, visit, second, after=first, recorded_count="62")

    assert refused.status_code == 422
    assert refused.json()["status"] == "refused"
    assert "budi" in refused.json()["message"]
    assert DailyReport.objects.get(visit=visit).recorded_count == 70


def test_a_send_refused_on_arrival_says_why(client, operator_user, visit):
    visit.campaign.status = "closed"
    visit.campaign.save()
    client.force_login(operator_user)

    refused = send(client, visit, uuid.uuid4())

    assert refused.status_code == 422
    assert refused.json() == {
        "status": "refused",
        "message": f"Kegiatan {visit.campaign.name} sudah ditutup; hanya admin yang masih "
        "dapat mengoreksinya.",
    }
    assert not DailyReport.objects.exists()


def test_an_id_sent_for_another_visit_is_refused(client, operator_user, visit):
    client.force_login(operator_user)
    submission = uuid.uuid4()
    send(client, visit, submission)
    other = VisitFactory(campaign=visit.campaign, date=visit.date)

    refused = send(client, other, submission)

    assert refused.status_code == 422
    assert not DailyReport.objects.filter(visit=other).exists()


def test_a_send_typed_by_someone_else_on_a_shared_phone_is_refused(client, operator_user, visit):
    """Ani's report, kept on the phone, is not sent as Budi's when Budi logs in there."""
    client.force_login(operator_user)

    refused = send(client, visit, uuid.uuid4(), sender="ani")

    assert refused.status_code == 403
    assert refused.json()["message"] == "Diisi oleh ani: masuk sebagai ani untuk mengirimnya."
    assert not DailyReport.objects.exists()
    assert send(client, visit, uuid.uuid4(), sender="operator").json()["status"] == "saved"


# The queries of one send from the page's script, a correction of a saved report: the session
# and the user, the permissions, the operator's area, the visit with its report; then the
# service's: the visit locked once (not its campaign), the send's id, the report, the previous
# send, the campaign's best day, the version, the report and its history row, the send
# recorded; how many names are marked at the visit; and the savepoints. It was 34 before the
# load benchmark (bench/load_reports.py) looked at it: the visit locked and its report read
# twice, full_clean's queries for what the lock already guarantees, the names listed in full.
QUERIES_PER_SEND = 22


def test_a_send_runs_the_same_few_queries_however_often_the_report_was_corrected(
    client, operator_user, visit, campaign
):
    client.force_login(operator_user)
    sends = [uuid.uuid4() for _ in range(13)]
    send(client, visit, sends[0], recorded_count="60")
    with CaptureQueriesContext(connection) as early:
        second = send(client, visit, sends[1], after=sends[0], recorded_count="61")
    assert second.json()["status"] == "saved"
    for n in range(2, 12):  # corrected all day, as under load
        sent = send(client, visit, sends[n], after=sends[n - 1], recorded_count=str(60 + n))
        assert sent.json()["status"] == "saved"
    DailyReportFactory.create_batch(5, visit__campaign=campaign, recorded_count=70)

    with CaptureQueriesContext(connection) as later:
        answer = send(client, visit, sends[12], after=sends[11], recorded_count="65")

    assert answer.json()["status"] == "saved"
    assert len(later) == len(early) <= QUERIES_PER_SEND
    report = DailyReport.objects.get(visit=visit)
    assert (report.recorded_count, report.version, report.history.count()) == (65, 13, 13)
