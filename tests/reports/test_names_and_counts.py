"""Names and counts meet: the report page shows the residents marked recorded at its visit,
starts a new report's count from them, and flags a count below them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from residents.models import Resident
from tests.factories import DailyReportFactory, DesaFactory, ResidentFactory, VisitFactory

pytestmark = pytest.mark.django_db
NIK = "5303051203900001"


@pytest.fixture
def visit(campaign):
    desa = DesaFactory(name="Benpasi")
    return VisitFactory(
        campaign=campaign, date=timezone.localdate(), kecamatan=desa.kecamatan, desa=desa
    )


def mark(visit, count):
    for n in range(count):
        ResidentFactory(
            campaign=visit.campaign,
            desa=visit.desa,
            nik=f"530305120390{n:04d}",
            name=f"Warga {n:02d}",
            status=Resident.Status.RECORDED,
            recorded_visit=visit,
            status_date=visit.date,
        )


def page(client, visit):
    return client.get(reverse("visits:report", args=[visit.pk]))


def test_a_new_report_starts_from_the_names_marked_and_says_so(client, operator_user, visit):
    mark(visit, 3)
    client.force_login(operator_user)
    response = page(client, visit)
    assert response.context["form"]["recorded_count"].value() == 3
    text = response.content.decode()
    assert "3 penduduk ditandai terekam pada kunjungan ini" in text
    assert "Warga 00" in text and "Warga 02" in text


def test_without_names_marked_the_count_starts_empty(client, operator_user, visit):
    client.force_login(operator_user)
    response = page(client, visit)
    assert response.context["form"]["recorded_count"].value() is None
    assert "ditandai terekam" not in response.content.decode()


def test_a_count_below_the_names_marked_is_flagged(client, operator_user, visit):
    mark(visit, 4)
    DailyReportFactory(visit=visit, recorded_count=2, first_time_voters=0)
    client.force_login(operator_user)
    response = page(client, visit)
    assert response.context["count_below_marked"]
    assert "lebih kecil dari 4 penduduk" in response.content.decode()
    # An existing report keeps its own count: the form is not re-filled from the names.
    assert response.context["form"]["recorded_count"].value() == 2


def test_a_count_above_the_names_shows_how_many_have_no_name(client, operator_user, visit):
    mark(visit, 2)
    DailyReportFactory(visit=visit, recorded_count=5, first_time_voters=0)
    client.force_login(operator_user)
    response = page(client, visit)
    assert not response.context["count_below_marked"]
    assert "3 orang lagi tanpa nama" in response.content.decode()


def test_the_names_marked_show_nik_masked_to_a_koordinator(client, koordinator_user, visit):
    ResidentFactory(
        campaign=visit.campaign,
        desa=visit.desa,
        nik=NIK,
        name="Maria Taek",
        status=Resident.Status.RECORDED,
        recorded_visit=visit,
        status_date=visit.date,
    )
    client.force_login(koordinator_user)
    text = page(client, visit).content.decode()
    assert "Maria Taek" in text
    assert NIK not in text and "53xxxxxxxxxx0001" in text


def test_residents_marked_elsewhere_or_undone_are_not_counted(client, operator_user, visit):
    mark(visit, 1)
    other = VisitFactory(campaign=visit.campaign, date=visit.date - datetime.timedelta(days=1))
    ResidentFactory(campaign=visit.campaign, status=Resident.Status.RECORDED, recorded_visit=other)
    ResidentFactory(campaign=visit.campaign, desa=visit.desa)  # not yet recorded
    client.force_login(operator_user)
    assert page(client, visit).context["marked"]["count"] == 1


def test_the_page_runs_the_same_queries_for_few_names_or_many(client, operator_user, visit):
    client.force_login(operator_user)
    mark(visit, 1)
    with CaptureQueriesContext(connection) as few:
        page(client, visit)
    Resident.objects.all().delete()
    mark(visit, 30)
    with CaptureQueriesContext(connection) as many:
        page(client, visit)
    assert len(many) == len(few)
