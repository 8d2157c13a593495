"""A campaign past its last day is closed for reporting at once, and `close_campaigns`
writes it in its status (issue 12, item 7)."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign
from reports.models import DailyReport
from tests.factories import CampaignFactory, DailyReportFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def ended(days_ago, extension=True):
    """A campaign still "active" whose last day was `days_ago` days ago."""
    today = timezone.localdate()
    last = today - days_ago * DAY
    return CampaignFactory(
        start_date=last - 20 * DAY,
        target_date=last - (3 * DAY if extension else 0 * DAY),
        extension_date=last if extension else None,
        election_date=last + 4 * DAY,
        status="active",
    )


def test_a_campaign_is_closed_the_day_after_its_extension_date_without_the_command():
    assert not ended(0).is_closed  # its last day: still open
    assert ended(1).is_closed
    assert ended(1, extension=False).is_closed  # past the target date, no extension
    assert Campaign.objects.filter(status="closed").count() == 0


def test_the_report_form_of_an_ended_campaign_is_read_only_with_the_reason(client, operator_user):
    campaign = ended(1)
    visit = VisitFactory(campaign=campaign, date=campaign.target_date)
    DailyReportFactory(visit=visit, recorded_count=64)
    client.force_login(operator_user)

    page = client.get(reverse("visits:report", args=[visit.pk])).content.decode()

    last_day = campaign.last_day.strftime("%d/%m/%Y")
    assert f"Kegiatan {campaign.name} berakhir pada {last_day} dan sudah ditutup" in page
    assert "<button" not in page.split('<form method="post" class="stack"')[1].split("</form>")[0]
    fields = re.findall(r"<input[^>]*name=\"recorded_count\"[^>]*>", page)
    assert fields and "disabled" in fields[0] and 'value="64"' in fields[0]
    assert "disabled" in re.findall(r"<textarea[^>]*>", page)[0]
    assert "data-outbox=" not in page  # the phone's script does not send it


def test_a_report_sent_to_an_ended_campaign_is_refused_with_the_reason(client, operator_user):
    campaign = ended(1)
    visit = VisitFactory(campaign=campaign, date=campaign.target_date)
    client.force_login(operator_user)
    data = {"recorded_count": "70", "first_time_voters": "0", "failed_count": "0", "notes": ""}

    response = client.post(reverse("visits:report", args=[visit.pk]), data)

    assert response.status_code == 200
    assert "berakhir pada" in response.content.decode()
    assert not DailyReport.objects.exists()

    sent = client.post(
        reverse("visits:report", args=[visit.pk]), data, headers={"Accept": "application/json"}
    )
    assert sent.status_code == 422
    assert sent.json()["status"] == "refused"
    assert "sudah ditutup" in sent.json()["message"]


def test_an_admin_may_still_correct_an_ended_campaign_with_a_reason(client, admin_member):
    campaign = ended(1)
    visit = VisitFactory(campaign=campaign, date=campaign.target_date)
    client.force_login(admin_member)

    page = client.get(reverse("visits:report", args=[visit.pk])).content.decode()

    assert "<button" in page and 'name="reason"' in page


def test_todays_list_shows_an_ended_campaigns_visit_closed(client, operator_user):
    campaign = ended(1)
    VisitFactory(campaign=campaign, date=campaign.target_date)  # unreported, so still listed
    client.force_login(operator_user)

    page = client.get(reverse("visits:today")).content.decode()

    assert "Kegiatan ditutup: laporan tidak diterima lagi" in page
    assert "ketuk untuk melapor" not in page


def test_close_campaigns_closes_those_past_their_last_day_with_the_reason():
    past, past_target, last_day_today = ended(1), ended(2, extension=False), ended(0)
    already = ended(5)
    Campaign.objects.filter(pk=already.pk).update(status="closed")
    out = StringIO()

    call_command("close_campaigns", stdout=out)

    statuses = dict(Campaign.objects.values_list("pk", "status"))
    assert statuses == {
        past.pk: "closed",
        past_target.pk: "closed",
        last_day_today.pk: "active",
        already.pk: "closed",
    }
    assert "2 campaign(s) closed." in out.getvalue()
    reason = past.history.latest().history_change_reason
    assert reason.startswith("Ditutup otomatis") and past.last_day.strftime("%d/%m/%Y") in reason

    out = StringIO()
    call_command("close_campaigns", stdout=out)  # the next day's run changes nothing
    assert "0 campaign(s) closed." in out.getvalue()
