"""A database made before the region models moved to regions migrates without loss.

The migrations are taken back to just before the move (the last migrations of main before
it), rows are written through the models as they were then (campaigns.Kecamatan ...), and
the migrations are run forward again: every row is found through the regions models, the
foreign keys that point at them, the groups' permissions and the progress numbers.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from campaigns.models import Campaign, OperatorScope, Visit
from devices.models import Device
from regions.models import Desa, Kabupaten, Kecamatan, Provinsi
from reports.models import DailyReport
from reports.progress import campaign_progress
from residents.models import BacklogEntry, Resident

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

D = datetime.date
BEFORE = [
    ("campaigns", "0007_audit_log"),
    ("devices", "0001_initial"),
    ("residents", "0008_import_jobs"),
    ("regions", None),
]
REGION_MODELS = ["provinsi", "kabupaten", "kecamatan", "desa"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_apps():
    """The models as main had them before the move; the migrations forward again after."""
    _migrate(BEFORE)
    loader = MigrationExecutor(connection).loader
    try:
        yield loader.project_state(list(loader.applied_migrations)).apps
    finally:
        _migrate(_latest())
        ContentType.objects.clear_cache()


def _write_old_rows(apps):
    get = apps.get_model
    user = get("auth", "User").objects.create(username="siti")
    ntt = get("campaigns", "Provinsi").objects.create(code="53", name="Nusa Tenggara Timur")
    ttu = get("campaigns", "Kabupaten").objects.create(
        code="53.03", name="Timor Tengah Utara", provinsi=ntt
    )
    kefa = get("campaigns", "Kecamatan").objects.create(
        code="53.03.05", name="Kota Kefamenanu", kabupaten=ttu
    )
    desa = get("campaigns", "Desa").objects.create(
        code="53.03.05.1001", name="Kefamenanu Utara", kecamatan=kefa
    )
    campaign = get("campaigns", "Campaign").objects.create(
        slug="ttu-2024",
        name="Perekaman e-KTP TTU",
        kabupaten=ttu,
        start_date=D(2024, 1, 18),
        target_date=D(2024, 2, 7),
        extension_date=D(2024, 2, 10),
        election_date=D(2024, 2, 14),
        status="active",
    )
    device = get("devices", "Device").objects.create(code="SP-01", home_kecamatan=kefa)
    get("devices", "DeviceState").objects.create(
        device=device, valid_from=D(2024, 1, 1), mode="mobile", condition="working"
    )
    visit = get("campaigns", "Visit").objects.create(
        campaign=campaign, date=D(2024, 1, 18), device=device, kecamatan=kefa, desa=desa
    )
    get("campaigns", "OperatorScope").objects.create(user=user).kecamatan.add(kefa)
    get("residents", "BacklogEntry").objects.create(
        campaign=campaign, kecamatan=kefa, date=D(2024, 1, 18), kind="baseline", change=200
    )
    get("residents", "Resident").objects.create(
        campaign=campaign,
        nik="5303050101900001",
        name="Maria Taek",
        sex="P",
        birth_date=D(1990, 1, 1),
        desa=desa,
    )
    get("reports", "DailyReport").objects.create(
        visit=visit, recorded_count=75, first_time_voters=10, failed_count=2, created_by=user
    )
    return visit.pk


def test_a_database_from_before_the_move_keeps_every_row(old_apps):
    visit_pk = _write_old_rows(old_apps)
    old_ct = old_apps.get_model("contenttypes", "ContentType").objects
    assert set(old_ct.filter(model__in=REGION_MODELS).values_list("app_label", flat=True)) == {
        "campaigns"
    }

    _migrate(_latest())
    ContentType.objects.clear_cache()

    assert Provinsi.objects.get(code="53").name == "Nusa Tenggara Timur"
    assert Kabupaten.objects.get(code="53.03").provinsi_id == "53"
    assert Kecamatan.objects.get(code="53.03.05").kabupaten_id == "53.03"
    assert Desa.objects.get(code="53.03.05.1001").kecamatan.name == "Kota Kefamenanu"
    campaign = Campaign.objects.get(slug="ttu-2024")
    assert campaign.kabupaten.provinsi.name == "Nusa Tenggara Timur"
    visit = Visit.objects.select_related("kecamatan", "desa").get(pk=visit_pk)
    assert (visit.kecamatan.code, visit.desa.code) == ("53.03.05", "53.03.05.1001")
    assert Device.objects.get(code="SP-01").home_kecamatan.name == "Kota Kefamenanu"
    scope = OperatorScope.objects.get(user__username="siti")
    assert list(scope.kecamatan.values_list("code", flat=True)) == ["53.03.05"]
    assert BacklogEntry.objects.get(campaign=campaign).kecamatan.name == "Kota Kefamenanu"
    assert Resident.objects.get(nik="5303050101900001").desa.kecamatan_id == "53.03.05"
    assert DailyReport.objects.get(visit=visit).recorded_count == 75

    progress = campaign_progress(campaign=campaign, as_of=D(2024, 1, 18))
    assert (progress.target, progress.recorded, progress.remaining) == (200, 75, 125)
    assert [(k.code, k.target, k.recorded) for k in progress.kecamatan] == [("53.03.05", 200, 75)]

    # The content types were relabelled, not made anew: the groups keep their permissions.
    assert set(
        ContentType.objects.filter(model__in=REGION_MODELS).values_list("app_label", flat=True)
    ) == {"regions"}
    view_kecamatan = Permission.objects.get(
        content_type__app_label="regions", codename="view_kecamatan"
    )
    assert Group.objects.get(name="Koordinator").permissions.filter(pk=view_kecamatan.pk).exists()
