"""manage.py send_reminders: each operator their late visits, each koordinator the digest."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign
from tests.factories import CampaignFactory, DailyReportFactory, UserFactory, VisitFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
NIK = "5303051203900001"


def run():
    out = StringIO()
    call_command("send_reminders", "--site-url", "https://ektp.example.id/", stdout=out)
    return out.getvalue()


@pytest.fixture
def late(campaign, operator_user):
    operator_user.email = "yosef@example.id"
    operator_user.first_name = "Yosef"
    operator_user.save()
    visit = VisitFactory(
        campaign=campaign,
        date=timezone.localdate() - 2 * DAY,
        site_name=f"Rumah {NIK}",  # an admin-typed label holding a NIK
    )
    visit.operators.add(operator_user, UserFactory(username="no-email"))
    return visit


def test_an_operator_gets_their_late_visits_with_links_to_the_forms(late, mailoutbox):
    reported = VisitFactory(campaign=late.campaign, date=late.date - DAY, device=late.device)
    reported.operators.add(*late.operators.all())
    DailyReportFactory(visit=reported)

    assert "E-mail terkirim: 1." in run()

    [mail] = mailoutbox
    assert mail.to == ["yosef@example.id"]
    assert mail.subject == "Perekaman e-KTP: 1 laporan belum dikirim"
    assert mail.body.startswith("Halo Yosef,")
    assert f"https://ektp.example.id/visits/{late.pk}/report/" in mail.body
    assert "(terlambat 2 hari)" in mail.body
    assert f"/visits/{reported.pk}/" not in mail.body
    assert NIK not in mail.body and "53xxxxxxxxxx0001" in mail.body


def test_a_koordinator_gets_the_digest_of_each_running_campaign(late, koordinator_user, mailoutbox):
    koordinator_user.email = "kapolres@example.id"
    koordinator_user.save()
    CampaignFactory(name="Selesai", status=Campaign.Status.CLOSED)

    run()

    [digest] = [m for m in mailoutbox if m.to == ["kapolres@example.id"]]
    assert digest.subject.startswith("Perekaman e-KTP: ringkasan hari ini")
    assert late.campaign.name in digest.body
    assert f"https://ektp.example.id/campaigns/{late.campaign.slug}/" in digest.body
    assert "1 laporan terlambat:" in digest.body
    assert "Selesai" not in digest.body
    assert NIK not in digest.body


def test_nobody_without_an_email_or_a_late_visit_gets_mail(campaign, operator_user, mailoutbox):
    VisitFactory(campaign=campaign, date=timezone.localdate()).operators.add(operator_user)
    assert "E-mail terkirim: 0." in run()
    assert mailoutbox == []


def test_a_closed_campaigns_late_visits_are_not_reminded(late, mailoutbox):
    Campaign.objects.filter(pk=late.campaign_id).update(status=Campaign.Status.CLOSED)
    run()
    assert mailoutbox == []


def test_a_campaign_past_its_last_day_is_not_reminded_though_its_status_says_running(
    late, koordinator_user, mailoutbox
):
    """It takes no report any more (Campaign.is_closed) even before close_campaigns runs."""
    koordinator_user.email = "kapolres@example.id"
    koordinator_user.save()
    today = timezone.localdate()
    Campaign.objects.filter(pk=late.campaign_id).update(
        start_date=today - 20 * DAY, target_date=today - DAY, extension_date=None
    )
    run()
    assert [m.to for m in mailoutbox] == [["kapolres@example.id"]]  # the digest alone
    assert late.campaign.name not in mailoutbox[0].body
