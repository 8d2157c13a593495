import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from campaigns.models import OperatorScope
from residents.models import BacklogEntry
from tests.factories import BacklogEntryFactory, KecamatanFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def url(campaign):
    return reverse("backlog:list", args=[campaign.slug])


def entry(kecamatan, **data):
    return {
        "kecamatan": kecamatan.code,
        "date": "2024-01-24",
        "kind": "deceased",
        "count": "3",
        "note": "Akta kematian dari desa",
        **data,
    }


@pytest.mark.usefixtures("in_february_2024")
def test_a_removal_is_saved_negative_and_lowers_the_target_from_its_date(
    client, operator_user, campaign, kecamatan
):
    client.force_login(operator_user)
    response = client.post(url(campaign), entry(kecamatan))

    assert response.status_code == 302
    saved = BacklogEntry.objects.get(kind="deceased")
    assert (saved.change, saved.created_by, saved.date) == (-3, operator_user, D(2024, 1, 24))
    ledger = BacklogEntry.objects.filter(campaign=campaign)
    assert ledger.up_to(D(2024, 1, 23)).total() == 300
    assert ledger.up_to(D(2024, 1, 24)).total() == 297
    row = client.get(url(campaign)).context["totals"][0]
    assert (row["baseline"], row["removed"], row["target"]) == (300, -3, 297)


@pytest.mark.usefixtures("in_february_2024")
def test_first_time_voters_are_added(client, operator_user, campaign, kecamatan):
    client.force_login(operator_user)
    client.post(url(campaign), entry(kecamatan, kind="first_time_voter", count="12"))
    assert BacklogEntry.objects.get(kind="first_time_voter").change == 12


@pytest.mark.usefixtures("in_february_2024")
@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"count": "0"}, "count", "min_value"),
        ({"count": "-2"}, "count", "min_value"),
        ({"note": ""}, "note", "required"),
        ({"kind": "baseline"}, "kind", "invalid_choice"),
        ({"count": "301"}, "count", "below_zero"),
        ({"date": "2024-03-01"}, "date", "after_campaign"),
        ({"date": "31/02/2024"}, "date", "invalid"),
    ],
)
def test_bad_entries_are_refused_with_a_message(
    client, operator_user, campaign, kecamatan, data, field, code
):
    client.force_login(operator_user)
    response = client.post(url(campaign), entry(kecamatan, **data))
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()[field]] == [code]
    assert BacklogEntry.objects.count() == 1


def test_a_scoped_operator_can_only_choose_their_kecamatan(client, campaign, kecamatan):
    other = KecamatanFactory(kabupaten=campaign.kabupaten)
    BacklogEntryFactory(campaign=campaign, kecamatan=other, change=50)
    user = UserFactory(username="scoped")
    user.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=user).kecamatan.add(kecamatan)
    client.force_login(user)

    page = client.get(url(campaign))
    assert [row["kecamatan__code"] for row in page.context["totals"]] == [kecamatan.code]
    response = client.post(url(campaign), entry(other))
    assert response.context["form"].errors["kecamatan"]
    assert not BacklogEntry.objects.filter(kind="deceased").exists()


def test_a_koordinator_reads_the_backlog_but_cannot_add(
    client, koordinator_user, campaign, kecamatan
):
    client.force_login(koordinator_user)
    page = client.get(url(campaign))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(url(campaign), entry(kecamatan)).status_code == 403
    assert BacklogEntry.objects.count() == 1


def test_a_closed_campaign_refuses_clean_up(client, operator_user, campaign, kecamatan):
    campaign.status = "closed"
    campaign.save()
    client.force_login(operator_user)
    response = client.post(url(campaign), entry(kecamatan))
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == [
        "campaign_closed"
    ]


def test_an_undone_removal_nets_out_of_the_removed_column(
    client, operator_user, campaign, kecamatan
):
    """Baseline + removed + added = target, also after a removal is undone (a correction)."""
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, kind="deceased", change=-2)
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, kind="correction", change=1)
    client.force_login(operator_user)
    row = client.get(url(campaign)).context["totals"][0]
    assert (row["baseline"], row["removed"], row["added"], row["target"]) == (300, -1, 0, 299)
    assert row["baseline"] + row["removed"] + row["added"] == row["target"]
