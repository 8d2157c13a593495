"""Two first submissions for one visit at the same moment (a double tap, a retry)."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import DailyReport
from tests.factories import CampaignFactory, UserFactory, VisitFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions; SQLite locks the whole database",
    ),
]


def test_simultaneous_first_submissions_leave_one_report_and_no_error():
    today = timezone.localdate()
    campaign = CampaignFactory(
        start_date=today, target_date=today, extension_date=None, election_date=today
    )
    visit = VisitFactory(campaign=campaign, date=today)
    operator = UserFactory(username="operator")
    operator.groups.add(Group.objects.get(name="Operator"))
    url = reverse("visits:report", args=[visit.pk])

    rounds, statuses = 5, []
    for attempt in range(rounds):
        DailyReport.objects.all().delete()
        start = threading.Barrier(2)

        def submit(count, start):
            client = Client()
            client.force_login(operator)
            start.wait()
            try:
                data = {"recorded_count": count, "first_time_voters": 0, "failed_count": 0}
                statuses.append(client.post(url, data).status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit, args=(70 + i, start)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        reports = list(DailyReport.objects.filter(visit=visit))
        assert len(reports) == 1, attempt
        assert reports[0].recorded_count in (70, 71)
    assert statuses == [302] * 2 * rounds
