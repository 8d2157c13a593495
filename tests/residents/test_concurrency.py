"""Operators removing from one kecamatan's backlog at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from residents import services
from residents.models import BacklogEntry, Resident
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DesaFactory,
    KecamatanFactory,
    ResidentFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent transactions; SQLite locks the whole database",
    ),
]


@pytest.fixture
def campaign():
    today = timezone.localdate()
    return CampaignFactory(
        start_date=today, target_date=today, extension_date=None, election_date=today
    )


def _at_once(calls):
    """Run each call in a thread of its own (so a connection of its own), all released
    together; return what became of each: "saved", or the code of its ValidationError."""
    start = threading.Barrier(len(calls), timeout=30)
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            call()
            outcomes[index] = "saved"
        except ValidationError as error:
            codes = [e.code for errors in error.update_error_dict({}).values() for e in errors]
            outcomes[index] = codes[0] if len(codes) == 1 else codes
        except Exception as error:  # a deadlock, a lost lock: shown in the failure
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _balance(campaign, kecamatan):
    return BacklogEntry.objects.filter(campaign=campaign, kecamatan=kecamatan).total()


def test_ten_simultaneous_removals_never_take_the_backlog_below_zero(campaign):
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, kind="baseline", change=329)
    operator = UserFactory(username="operator")

    def remove():
        services.backlog_entry_create(
            campaign=campaign,
            kecamatan=kecamatan,
            date=campaign.start_date,
            kind=BacklogEntry.Kind.MOVED_OUT,
            count=66,
            note="",
            by=operator,
        )

    outcomes = _at_once([remove] * 10)

    assert sorted(outcomes, key=str) == ["below_zero"] * 6 + ["saved"] * 4
    assert _balance(campaign, kecamatan) == 329 - 4 * 66 == 65


def test_resident_and_count_removals_at_once_keep_ledger_and_list_in_step(campaign):
    """resident_set_status locks the resident, then the kecamatan; a count removal only the
    kecamatan: together they neither deadlock nor pass zero."""
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten)
    desa = DesaFactory(kecamatan=kecamatan)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, kind="baseline", change=70)
    residents = ResidentFactory.create_batch(5, campaign=campaign, desa=desa)
    operator = UserFactory(username="operator")

    def mark_deceased(resident):
        return lambda: services.resident_set_status(
            resident=resident, status=Resident.Status.DECEASED, by=operator
        )

    def remove():
        services.backlog_entry_create(
            campaign=campaign,
            kecamatan=kecamatan,
            date=campaign.start_date,
            kind=BacklogEntry.Kind.DUPLICATE,
            count=66,
            note="",
            by=operator,
        )

    outcomes = _at_once([mark_deceased(r) for r in residents] + [remove] * 5)

    assert set(outcomes) <= {"saved", "below_zero"}, outcomes
    deceased = Resident.objects.filter(status=Resident.Status.DECEASED).count()
    assert deceased == outcomes[:5].count("saved")
    removed = outcomes[5:].count("saved")
    assert _balance(campaign, kecamatan) == 70 - deceased - 66 * removed >= 0
    assert "below_zero" in outcomes  # 70 cannot pay for all of them
