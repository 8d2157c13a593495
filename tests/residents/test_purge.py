"""Retention (UU 27/2022): a closed campaign's residents removed, every number kept."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import AuditEntry, Campaign
from residents import services
from residents.models import BacklogEntry, NikLookup, Resident
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DesaFactory,
    KecamatanFactory,
    ResidentFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
S = Resident.Status
DAY = datetime.timedelta(days=1)
YOHANES = "5303051203900002"
MARIA = "5303055708850001"


@pytest.fixture
def closed(settings, admin_member):
    """A campaign that ended today and was closed today, with its list worked on: residents
    recorded, removed with notes that name them, a clean-up note naming another, reports."""
    settings.RESIDENT_RETENTION_DAYS = 0
    today = timezone.localdate()
    campaign = CampaignFactory(
        slug="ttu",
        start_date=today - 20 * DAY,
        target_date=today,
        extension_date=None,
        election_date=today + 10 * DAY,
    )
    home = KecamatanFactory(kabupaten=campaign.kabupaten, name="Kota Kefamenanu")
    desa = DesaFactory(kecamatan=home, name="Benpasi")
    people = {
        "yohanes": ResidentFactory(campaign=campaign, desa=desa, nik=YOHANES, name="Yohanes Kolo"),
        "maria": ResidentFactory(
            campaign=campaign, desa=desa, nik=MARIA, name="MARIA GORETI TAEK", sex="P"
        ),
        "petrus": ResidentFactory(campaign=campaign, desa=desa, name="Petrus Bana"),
        "ani": ResidentFactory(campaign=campaign, desa=desa, name="Ani Sanam"),
    }
    BacklogEntryFactory(campaign=campaign, kecamatan=home, change=40, note="Import of daftar.csv")
    visit = VisitFactory(campaign=campaign, date=today - 2 * DAY, kecamatan=home, desa=desa)
    DailyReportFactory(visit=visit, recorded_count=12, first_time_voters=2)
    DailyReportFactory(
        visit=VisitFactory(campaign=campaign, date=today - DAY, kecamatan=home),
        recorded_count=9,
        first_time_voters=0,
    )
    services.resident_set_status(
        resident=people["yohanes"], status=S.RECORDED, by=admin_member, visit=visit
    )
    services.resident_set_status(
        resident=people["maria"],
        status=S.DECEASED,
        by=admin_member,
        note=f"Kata kakaknya Petrus Bana, NIK {MARIA[:4]} {MARIA[4:]}",
    )
    services.backlog_entry_create(
        campaign=campaign,
        kecamatan=home,
        date=today,
        kind=BacklogEntry.Kind.MOVED_OUT,
        count=1,
        note="ani sanam pindah ke Kupang",
        by=admin_member,
    )
    NikLookup.objects.create(
        user=admin_member, campaign=campaign, masked_nik="53xxxxxxxxxx0002", found=people["ani"]
    )
    campaign.status = Campaign.Status.CLOSED
    campaign.save()
    return {"campaign": campaign, **people}


def progress(client, campaign):
    response = client.get(
        reverse("campaigns:progress_json", args=[campaign.slug]),
        {"as_of": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    return response.json()


def personal_data(campaign):
    """Every name and NIK left anywhere the purge reaches."""
    texts = list(BacklogEntry.objects.filter(campaign=campaign).values_list("note", flat=True))
    for record in BacklogEntry.history.filter(campaign_id=campaign.pk):
        texts += [record.note, record.history_change_reason or ""]
    text = " ".join(texts).casefold()
    names = ["yohanes", "kolo", "maria", "petrus", "sanam", "0002", "0001", "5303"]
    return [name for name in names if name in text]


def test_the_purge_removes_names_and_niks_and_keeps_every_number(client, admin_member, closed):
    campaign = closed["campaign"]
    client.force_login(admin_member)
    from reports.models import DailyReport

    report = DailyReport.objects.filter(visit__campaign=campaign).first()
    report.notes = "Yohanes Kolo datang bersama ibunya"
    report.save()  # a report note names a resident too, in the report and its history
    before = progress(client, campaign)
    assert before["target"] == 38 and before["recorded"] == 21  # a real campaign's numbers
    assert personal_data(campaign)  # the notes named them

    result = services.residents_purge(campaign=campaign, by=admin_member, dry_run=False)

    # Rows cleaned: ledger entries and their history records, the report and its record.
    assert (result.residents, result.notes) == (4, 6)
    report.refresh_from_db()
    assert report.notes == "[…] datang bersama ibunya"
    assert "Kolo" not in " ".join(report.history.values_list("notes", flat=True))
    assert result.history >= 4
    assert progress(client, campaign) == before
    assert not Resident.objects.filter(campaign=campaign).exists()
    assert not Resident.history.filter(campaign_id=campaign.pk).exists()
    assert personal_data(campaign) == []
    notes = set(BacklogEntry.objects.filter(campaign=campaign).values_list("note", flat=True))
    assert notes == {
        "Import of daftar.csv",
        "[…] ([…]): Kata kakaknya […], NIK […]",
        "[…] pindah ke Kupang",
    }
    # The search stays in its log, without whom it found; the purge is in the audit log.
    assert NikLookup.objects.get().found is None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.PURGE)
    assert (entry.user, entry.campaign) == (admin_member, campaign)
    assert entry.description.startswith("4 ")


def test_a_dry_run_changes_nothing(client, admin_member, closed):
    campaign = closed["campaign"]
    client.force_login(admin_member)
    before = progress(client, campaign)
    notes = list(BacklogEntry.objects.values_list("note", flat=True))
    history = Resident.history.count()

    result = services.residents_purge(campaign=campaign, dry_run=True)

    assert (result.dry_run, result.residents, result.notes) == (True, 4, 4)
    assert Resident.objects.count() == 4 and Resident.history.count() == history
    assert list(BacklogEntry.objects.values_list("note", flat=True)) == notes
    assert NikLookup.objects.get().found == closed["ani"]
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PURGE).exists()
    assert progress(client, campaign) == before


@pytest.mark.usefixtures("in_february_2024")
def test_an_open_campaign_is_refused():
    resident = ResidentFactory(campaign=CampaignFactory(status="active"))

    with pytest.raises(ValidationError) as excinfo:
        services.residents_purge(campaign=resident.campaign, dry_run=True)

    assert excinfo.value.code == "campaign_not_closed"
    assert Resident.objects.count() == 1


def test_the_period_runs_from_the_later_of_the_last_day_and_the_closing(settings):
    today = timezone.localdate()
    campaign = CampaignFactory(
        start_date=today - 130 * DAY,
        target_date=today - 100 * DAY,
        extension_date=None,
        election_date=today - 90 * DAY,
    )
    ResidentFactory(campaign=campaign)
    campaign.status = Campaign.Status.CLOSED
    campaign.save()
    # Closed 50 days ago, 50 days after its last day.
    campaign.history.update(history_date=timezone.now() - 50 * DAY)
    assert services.campaign_closed_on(campaign) == today - 50 * DAY

    settings.RESIDENT_RETENTION_DAYS = 60
    with pytest.raises(ValidationError) as excinfo:
        services.residents_purge(campaign=campaign, dry_run=True)
    assert excinfo.value.code == "retention_period"
    assert (today + 10 * DAY).strftime("%d/%m/%Y") in excinfo.value.messages[0]

    settings.RESIDENT_RETENTION_DAYS = 50
    assert services.residents_purge(campaign=campaign, dry_run=False).residents == 1
    assert Resident.objects.count() == 0


def test_a_campaign_closed_again_counts_from_its_last_closing(settings):
    today = timezone.localdate()
    campaign = CampaignFactory(
        start_date=today - 130 * DAY,
        target_date=today - 100 * DAY,
        extension_date=None,
        election_date=today - 90 * DAY,
        status="closed",
    )
    campaign.history.update(history_date=timezone.now() - 90 * DAY)
    campaign.status = Campaign.Status.ACTIVE  # reopened for a correction
    campaign.save()
    campaign.status = Campaign.Status.CLOSED
    campaign.save()

    assert services.campaign_closed_on(campaign) == today


def test_the_command_shows_the_dry_run_first_and_asks(closed, monkeypatch):
    out = StringIO()
    call_command("purge_residents", "--campaign", "ttu", "--dry-run", stdout=out)
    assert "4 penduduk" in out.getvalue() and "Uji coba" in out.getvalue()
    assert Resident.objects.count() == 4

    monkeypatch.setattr("builtins.input", lambda prompt: "tidak")
    call_command("purge_residents", "--campaign", "ttu", stdout=StringIO())
    assert Resident.objects.count() == 4

    monkeypatch.setattr("builtins.input", lambda prompt: "ya")
    out = StringIO()
    call_command("purge_residents", "--campaign", "ttu", "--user", "dukcapil-admin", stdout=out)
    assert "Dihapus: 4 penduduk" in out.getvalue()
    assert Resident.objects.count() == 0
    assert AuditEntry.objects.get(action="purge").username == "dukcapil-admin"


@pytest.mark.usefixtures("in_february_2024")
def test_the_command_refuses_an_open_campaign_with_the_reason():
    CampaignFactory(slug="open", status="active")

    with pytest.raises(CommandError, match="open|closed|ditutup"):
        call_command("purge_residents", "--campaign", "open", "--no-input")


def test_scrub_names_replaces_whole_names_only():
    names = {"yohanes kolo", "maria goreti taek", "ani"}

    assert services.scrub_names("Yohanes  Kolo, Maria Goreti Taek dan Ani.", names) == (
        "[…], […] dan […]."
    )
    # A part of a name, or a name inside a word, is left alone.
    assert services.scrub_names("Yohanes dari Anin", names) == "Yohanes dari Anin"
    text = "NIK 5303 0512 0390 0002, lihat 53xxxxxxxxxx0002"
    assert services.scrub_names(text, set()) == "NIK […], lihat […]"
