"""Personal data leaving the app lands in the audit log: invitation lists (CSV and printed),
whole-NIK searches and imports."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import AuditEntry
from residents.importer import residents_import
from residents.models import ExportLog
from tests.factories import (
    CampaignFactory,
    DesaFactory,
    KabupatenFactory,
    KecamatanFactory,
    ResidentFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
A = AuditEntry.Action
YOHANES = "5303051203900002"


@pytest.fixture(autouse=True)
def english(client):
    """The wording of the descriptions as written in the code (msgids), whatever the
    catalogue holds."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with translation.override("en"):
        yield


@pytest.fixture
def visit():
    today = timezone.localdate()
    campaign = CampaignFactory(
        slug="ttu",
        start_date=today,
        target_date=today,
        extension_date=None,
        election_date=today,
    )
    desa = DesaFactory(
        kecamatan=KecamatanFactory(kabupaten=campaign.kabupaten, name="Kota Kefamenanu"),
        name="Benpasi",
    )
    ResidentFactory(campaign=campaign, desa=desa, nik=YOHANES, name="Yohanes Kolo")
    ResidentFactory(campaign=campaign, desa=desa, name="Maria Taek")
    return VisitFactory(campaign=campaign, date=today, kecamatan=desa.kecamatan, desa=desa)


def test_the_invitation_csv_is_logged_beside_the_export_log(client, operator_user, visit):
    client.force_login(operator_user)

    url = reverse("residents:invitations_csv", args=[visit.pk])
    assert client.get(url, REMOTE_ADDR="10.3.3.3").status_code == 200

    [entry] = AuditEntry.objects.filter(action=A.EXPORT)
    assert (entry.user, entry.campaign, entry.address) == (
        operator_user,
        visit.campaign,
        "10.3.3.3",
    )
    assert "(CSV)" in entry.description and entry.description.endswith(": 2 residents")
    assert ExportLog.objects.get().what in entry.description


def test_the_printed_invitation_list_is_logged(client, koordinator_user, visit):
    client.force_login(koordinator_user)

    page = client.get(reverse("residents:invitations", args=[visit.pk]))

    assert page.status_code == 200 and "Yohanes Kolo" in page.text
    [entry] = AuditEntry.objects.filter(action=A.EXPORT)
    assert (entry.user, entry.campaign) == (koordinator_user, visit.campaign)
    assert "(CSV)" not in entry.description and entry.description.endswith(": 2 residents")
    assert not ExportLog.objects.exists()


@pytest.mark.parametrize(
    ("nik", "outcome"), [(YOHANES, "found"), ("5303051203900099", "not found")]
)
def test_a_koordinators_whole_nik_search_is_logged_masked(
    client, koordinator_user, visit, nik, outcome
):
    client.force_login(koordinator_user)
    client.post(reverse("residents:list", args=["ttu"]), {"q": nik})

    [entry] = AuditEntry.objects.filter(action=A.NIK_SEARCH)
    assert (entry.user, entry.campaign) == (koordinator_user, visit.campaign)
    assert entry.description == f"53xxxxxxxxxx{nik[-4:]}: {outcome}"


def test_a_refused_search_over_the_limit_is_logged(client, koordinator_user, visit, settings):
    settings.NIK_LOOKUPS_PER_DAY = 0
    client.force_login(koordinator_user)
    client.post(reverse("residents:list", args=["ttu"]), {"q": YOHANES})

    [entry] = AuditEntry.objects.filter(action=A.NIK_SEARCH)
    assert (
        entry.description.startswith("53xxxxxxxxxx0002: ")
        and "over the daily limit" in entry.description
    )


def test_an_operators_whole_nik_search_is_logged_too(client, operator_user, visit):
    client.force_login(operator_user)
    client.post(reverse("residents:list", args=["ttu"]), {"q": YOHANES})
    client.post(reverse("residents:list", args=["ttu"]), {"q": "Yohanes"})  # a name: not

    [entry] = AuditEntry.objects.filter(action=A.NIK_SEARCH)
    assert (entry.user, entry.description) == (operator_user, "53xxxxxxxxxx0002")


def test_an_import_is_logged_when_saved_not_on_the_dry_run(tmp_path, admin_member):
    campaign = CampaignFactory(slug="ttu", kabupaten=KabupatenFactory())
    kecamatan = KecamatanFactory(code="53.03.05", name="Kota Kefamenanu")
    DesaFactory(kecamatan=kecamatan, code="53.03.05.1001", name="Kefamenanu Utara")
    path = tmp_path / "daftar.csv"
    path.write_text(
        "NIK;Nama Lengkap;JK;Tgl Lahir;Desa\n"
        "5303051203900002;Yohanes Kolo;L;12/03/1990;53.03.05.1001\n"
        "123;Salah;L;12/03/1990;53.03.05.1001\n",
        encoding="utf-8",
    )

    def run(dry_run):
        residents_import(
            campaign=campaign, path=path, filename=path.name, by=admin_member, dry_run=dry_run
        )

    run(dry_run=True)
    assert not AuditEntry.objects.filter(action=A.IMPORT).exists()
    run(dry_run=False)

    [entry] = AuditEntry.objects.filter(action=A.IMPORT)
    assert (entry.user, entry.campaign) == (admin_member, campaign)
    assert entry.description.startswith("daftar.csv: 1 ") and " 1 " in entry.description
