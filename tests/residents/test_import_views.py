import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import OperatorScope
from residents.models import BacklogEntry, Resident
from tests.factories import CampaignFactory, DesaFactory, KecamatanFactory, UserFactory

pytestmark = pytest.mark.django_db
CSV = (
    "\ufeffNIK;Nama Lengkap;JK;Tgl Lahir;Desa\n"
    "5303051203900001;Yohanes Taek;L;12/03/1990;Kefamenanu Utara\n"
    "5,30305E+15;Rusak;L;12/03/1990;Kefamenanu Utara\n"
)


@pytest.fixture
def campaign(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"
    campaign = CampaignFactory(slug="ttu")
    kecamatan = KecamatanFactory(code="53.03.05", kabupaten=campaign.kabupaten)
    DesaFactory(kecamatan=kecamatan, code="53.03.05.1001", name="Kefamenanu Utara")
    return campaign


def url(campaign):
    return reverse("import_residents", args=[campaign.slug])


def upload(client, campaign, content=CSV, name="backlog.csv"):
    file = SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)
    return client.post(url(campaign), {"file": file})


def test_check_then_save(client, operator_user, campaign, settings):
    client.force_login(operator_user)

    checked = upload(client, campaign)

    assert checked.status_code == 200
    result = checked.context["result"]
    assert (result.accepted, result.refused) == (1, 1)
    page = checked.content.decode()
    assert "5,30305E+15" in page and "Text" in page
    assert not Resident.objects.exists()

    saved = client.post(
        url(campaign), {"token": checked.context["token"], "filename": "backlog.csv"}
    )

    assert saved.status_code == 302
    assert Resident.objects.get().nik == "5303051203900001"
    assert BacklogEntry.objects.get().change == 1
    assert list((settings.IMPORT_DIR).iterdir()) == []  # the upload, with its NIKs, is gone


def test_a_refused_file_is_named_on_the_form(client, operator_user, campaign):
    client.force_login(operator_user)
    response = upload(client, campaign, content=b"%PDF-1.4", name="daftar.pdf")
    assert "daftar.pdf" in response.context["form"].errors["file"][0]
    assert not Resident.objects.exists()


def test_a_made_up_or_someone_elses_token_saves_nothing(client, operator_user, campaign):
    other = UserFactory(username="other")
    other.groups.add(Group.objects.get(name="Operator"))
    client.force_login(other)
    token = upload(client, campaign).context["token"]
    client.force_login(operator_user)
    for forged in [token, "../../etc/passwd", f"{operator_user.pk}-{'0' * 32}.csv"]:
        response = client.post(url(campaign), {"token": forged, "filename": "x.csv"})
        assert response.status_code == 302
    assert not Resident.objects.exists()


def test_koordinators_and_scoped_operators_cannot_import(client, koordinator_user, campaign):
    client.force_login(koordinator_user)
    assert client.get(url(campaign)).status_code == 403
    scoped = UserFactory(username="scoped")
    scoped.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=scoped).kecamatan.add(KecamatanFactory())
    client.force_login(scoped)
    assert upload(client, campaign).status_code == 403
    assert not Resident.objects.exists()
