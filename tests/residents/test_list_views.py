"""Working on the resident list: search, a resident's page, NIKs pasted for a visit,
invitation lists, and full NIKs kept from koordinators."""

import csv
import datetime
import io
import re
import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OperatorScope
from residents.forms import split_pasted_niks
from residents.models import BacklogEntry, ExportLog, NikLookup, Resident
from residents.nik import age_on
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DesaFactory,
    KecamatanFactory,
    ResidentFactory,
    UserFactory,
    VisitFactory,
)
from tests.test_permissions import MATRIX, url_args
from tests.utils import FULL_NIK, assert_ledger_agrees, full_niks_in

pytestmark = pytest.mark.django_db
S = Resident.Status
TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)

# Kota Kefamenanu (530305); a man born 12/03/1990 and a woman born 17/08/1985 (day + 40).
MARIA = "5303055708850001"
YOHANES = "5303051203900002"
PETRUS = "5303051203900013"  # ends like Yohanes' 3 last digits do not
PAPUA = "9171015708450001"  # above 2**53: a float would lose its last digit


@pytest.fixture
def world():
    """Two kecamatan of the campaign with their desa, residents, baselines and visits."""
    today = TODAY()
    campaign = CampaignFactory(
        slug="ttu",
        start_date=today - 5 * DAY,
        target_date=today + 15 * DAY,
        extension_date=None,
        election_date=today + 20 * DAY,
    )
    home = KecamatanFactory(kabupaten=campaign.kabupaten, name="Kota Kefamenanu")
    away = KecamatanFactory(kabupaten=campaign.kabupaten, name="Miomaffo Barat")
    desa = DesaFactory(kecamatan=home, name="Benpasi")
    other_desa = DesaFactory(kecamatan=home, name="Kefa Tengah")
    away_desa = DesaFactory(kecamatan=away, name="Noepesu")
    people = {
        "maria": ResidentFactory(
            campaign=campaign,
            desa=desa,
            nik=MARIA,
            name="Maria Goreti Taek",
            sex="P",
            birth_date=datetime.date(1985, 8, 17),
        ),
        "yohanes": ResidentFactory(
            campaign=campaign,
            desa=desa,
            nik=YOHANES,
            name="Yohanes Kolo",
            birth_date=datetime.date(1990, 3, 12),
        ),
        "petrus": ResidentFactory(
            campaign=campaign, desa=other_desa, nik=PETRUS, name="Petrus Bana"
        ),
        "papua": ResidentFactory(
            campaign=campaign, desa=away_desa, nik=PAPUA, name="Yuliana Ulu", sex="P"
        ),
    }
    for kecamatan, count in [(home, 3), (away, 1)]:
        BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=count)
    visits = {
        "today": VisitFactory(campaign=campaign, date=today, kecamatan=home, desa=desa),
        "yesterday": VisitFactory(campaign=campaign, date=today - DAY, kecamatan=home),
        "away": VisitFactory(campaign=campaign, date=today, kecamatan=away, desa=away_desa),
        "tomorrow": VisitFactory(campaign=campaign, date=today + DAY, kecamatan=home),
    }
    return {"campaign": campaign, "home": home, "away": away, "desa": desa, **people} | visits


def scoped_operator(kecamatan):
    user = UserFactory(username="scoped")
    user.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=user).kecamatan.add(kecamatan)
    return user


def list_url(world):
    return reverse("residents:list", args=[world["campaign"].slug])


def detail_url(resident):
    return reverse("residents:detail", args=[resident.pk])


def search(client, world, **query):
    """The search box, as a browser sends it: posted, then the page it redirects to."""
    response = client.post(list_url(world), query, follow=True)
    assert response.status_code == 200
    return response


def found(client, world, **query):
    return [resident.name for resident in search(client, world, **query).context["object_list"]]


def reload(resident):
    return Resident.objects.get(pk=resident.pk)


# --- The list -------------------------------------------------------------------------------


def test_search_by_the_whole_nik_its_last_digits_or_a_name(client, operator_user, world):
    client.force_login(operator_user)
    assert found(client, world, q=YOHANES) == ["Yohanes Kolo"]
    assert found(client, world, q="5303 0512.0390 0002") == ["Yohanes Kolo"]
    assert found(client, world, q="0002") == ["Yohanes Kolo"]
    assert found(client, world, q="0001") == ["Maria Goreti Taek", "Yuliana Ulu"]
    assert found(client, world, q="kolo") == ["Yohanes Kolo"]
    assert found(client, world, q=PAPUA) == ["Yuliana Ulu"]  # every digit kept
    assert found(client, world) == [
        "Maria Goreti Taek",
        "Petrus Bana",
        "Yohanes Kolo",
        "Yuliana Ulu",
    ]


def test_filter_by_status_and_desa(client, operator_user, world):
    Resident.objects.filter(pk=world["petrus"].pk).update(status=S.DECEASED)
    client.force_login(operator_user)
    assert found(client, world, status="deceased") == ["Petrus Bana"]
    assert found(client, world, desa=world["desa"].code) == ["Maria Goreti Taek", "Yohanes Kolo"]
    assert found(client, world, desa=world["desa"].code, status="deceased") == []


def test_an_excel_number_as_search_says_how_to_fix_it(client, operator_user, world):
    client.force_login(operator_user)
    response = client.get(list_url(world), {"q": "5,30305E+15"})
    assert [e.code for e in response.context["filter"].form.errors.as_data()["q"]] == [
        "excel_scientific"
    ]
    assert list(response.context["object_list"]) == []


def test_a_koordinator_finds_by_the_whole_nik_but_sees_it_masked(client, koordinator_user, world):
    ResidentFactory(
        campaign=world["campaign"], desa=world["desa"], nik="5303056001000002", name="Ani Sanam"
    )
    client.force_login(koordinator_user)
    redirect = client.post(list_url(world), {"q": "5303 0512 0390 0002", "status": "unrecorded"})
    # Not even the NIK they typed comes back, in the page or its address: an opaque token.
    assert redirect.status_code == 302
    assert "0390" not in redirect.url and "0002" not in redirect.url
    assert redirect.url.startswith(f"{list_url(world)}?status=unrecorded&nik=")
    response = client.get(redirect.url)
    assert [r.name for r in response.context["object_list"]] == ["Yohanes Kolo"]
    assert "53xxxxxxxxxx0002" in response.text
    assert full_niks_in(response) == []
    # Logged for an admin to read, with the NIK masked there too.
    lookup = NikLookup.objects.get()
    assert (lookup.user, lookup.masked_nik, lookup.found, lookup.refused) == (
        koordinator_user,
        "53xxxxxxxxxx0002",
        world["yohanes"],
        False,
    )
    # The masked NIK they read off a page finds whoever it may be.
    assert found(client, world, q="53xxxxxxxxxx0002") == ["Ani Sanam", "Yohanes Kolo"]
    assert found(client, world, q="0002") == ["Ani Sanam", "Yohanes Kolo"]


def test_a_whole_nik_in_the_address_finds_nothing(client, operator_user, world):
    """The app never puts a whole NIK in an address; one typed there by hand finds nothing,
    so no link, bookmark or log line with a NIK in it is worth making."""
    client.force_login(operator_user)
    response = client.get(list_url(world), {"q": YOHANES})
    assert [e.code for e in response.context["filter"].form.errors.as_data()["q"]] == [
        "nik_in_address"
    ]
    assert list(response.context["object_list"]) == []
    # A token from another session, or an expired one, is not a NIK either.
    response = client.get(list_url(world), {"nik": "made-up"})
    assert response.status_code == 302 and "nik=" not in response.url


def test_guessing_a_nik_by_searching_is_stopped_by_the_daily_limit(
    client, koordinator_user, world, settings
):
    """The attack of issue 8: a masked NIK (53xxxxxxxxxx0002), a known kecamatan and sex
    leave the birth date, about 730 candidates. Each search may confirm one, so a masked-NIK
    user gets a few a day: 2,000 guesses recover nothing, and each one is logged."""
    settings.NIK_LOOKUPS_PER_DAY = 10
    client.force_login(koordinator_user)
    day = datetime.date(1989, 1, 1)
    candidates = [f"530305{(day + n * DAY):%d%m%y}0002" for n in range(2000)]
    assert YOHANES in candidates[10:]  # the real one comes after the first ten
    recovered = []
    for nik in candidates:
        response = client.post(list_url(world), {"q": nik})
        if "nik=" in response.url and client.get(response.url).context["object_list"]:
            recovered.append(nik)
        client.cookies.pop("messages", None)  # the refusals, read below
    assert recovered == []
    assert NikLookup.objects.filter(user=koordinator_user).count() == 2000
    assert NikLookup.objects.filter(user=koordinator_user, refused=False).count() == 10
    # The refusal says why and what to do instead.
    response = client.post(list_url(world), {"q": YOHANES}, follow=True)
    [message] = [str(m) for m in response.context["messages"]][-1:]
    assert " 10 " in message and list(response.context["object_list"]) != [world["yohanes"]]
    # Operators, who see NIKs anyway, are neither limited nor logged.
    operator = UserFactory(username="op2")
    operator.groups.add(Group.objects.get(name="Operator"))
    client.force_login(operator)
    assert found(client, world, q=YOHANES) == ["Yohanes Kolo"]
    assert NikLookup.objects.count() == 2001


def test_a_koordinator_cannot_uncover_a_nik_by_its_endings(client, koordinator_user, world):
    """Searching by ever longer endings would reveal the digits the mask hides."""
    client.force_login(koordinator_user)
    response = client.get(list_url(world), {"q": "039000002"})
    assert [e.code for e in response.context["filter"].form.errors.as_data()["q"]] == [
        "partial_nik"
    ]
    assert list(response.context["object_list"]) == []


def test_a_scoped_operator_sees_only_their_kecamatan(client, world):
    client.force_login(scoped_operator(world["home"]))
    assert found(client, world) == ["Maria Goreti Taek", "Petrus Bana", "Yohanes Kolo"]
    assert found(client, world, q=PAPUA) == []
    desa = dict(client.get(list_url(world)).context["filter"].form.fields["desa"].choices)
    assert "Miomaffo Barat" not in desa and "Kota Kefamenanu" in desa

    away = world["papua"]
    assert client.get(detail_url(away)).status_code == 404
    assert client.post(detail_url(away), {"status": "deceased"}).status_code == 404
    assert reload(away).status == S.UNRECORDED
    bulk = reverse("residents:bulk_record", args=[world["away"].pk])
    assert client.get(bulk).status_code == 404
    assert client.get(reverse("residents:invitations", args=[world["away"].pk])).status_code == 404


def test_the_list_runs_the_same_queries_for_one_resident_or_many(
    client, operator_user, koordinator_user, world
):
    for user in (operator_user, koordinator_user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as few:
            client.get(list_url(world))
        ResidentFactory.create_batch(30, campaign=world["campaign"], desa=world["desa"])
        with CaptureQueriesContext(connection) as many:
            response = client.get(list_url(world))
        assert len(response.context["object_list"]) > 30
        assert len(many) == len(few), user


def test_the_list_is_paginated_by_fifty(client, operator_user, world):
    ResidentFactory.create_batch(60, campaign=world["campaign"], desa=world["desa"])
    client.force_login(operator_user)
    first = client.get(list_url(world))
    assert len(first.context["object_list"]) == 50
    assert first.context["paginator"].count == 64
    second = client.get(list_url(world), {"page": 2})
    assert len(second.context["object_list"]) == 14


def test_residents_in_the_nav_lead_to_the_active_campaigns_list(client, koordinator_user, world):
    client.force_login(koordinator_user)
    page = client.get(reverse("campaigns:list"))
    assert reverse("residents:home") in page.text
    assert client.get(reverse("residents:home")).url == list_url(world)


# --- A resident's page ----------------------------------------------------------------------


def post(client, resident, status, **data):
    return client.post(detail_url(resident), {"status": status, **data})


def form_errors(response, field="__all__"):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


@pytest.mark.parametrize("status", ["deceased", "moved_out", "duplicate"])
def test_each_removal_and_its_undo_keep_the_ledger_and_the_list_in_step(
    client, operator_user, world, status
):
    client.force_login(operator_user)
    client.cookies["django_language"] = "en"
    maria = world["maria"]
    response = post(client, maria, status, note="Akta kematian / pindah / ganda")
    assert response.status_code == 302 and response.url == detail_url(maria)
    assert reload(maria).status == status
    entry = BacklogEntry.objects.get(kind=status)
    assert (entry.change, entry.created_by) == (-1, operator_user)
    assert entry.note == "Maria Goreti Taek (53xxxxxxxxxx0001): Akta kematian / pindah / ganda"
    assert_ledger_agrees(world["campaign"])

    response = post(client, maria, "unrecorded")  # an undo says why
    assert form_errors(response, "note") == ["note_required"]
    assert reload(maria).status == status

    response = post(client, maria, "unrecorded", note="Salah pilih orang")
    assert response.status_code == 302
    assert reload(maria).status == S.UNRECORDED
    assert BacklogEntry.objects.get(kind="correction").change == 1
    assert_ledger_agrees(world["campaign"])

    page = client.get(detail_url(maria))
    history = page.context["history"]["entries"]
    assert [e["who"] for e in history[:2]] == [operator_user, operator_user]
    assert history[0]["reason"] == "Salah pilih orang"
    assert [str(label) for label, _old, _new in history[0]["changes"]] == ["status"]


def test_recording_at_a_visit_and_undoing_it(client, operator_user, world):
    client.force_login(operator_user)
    yohanes, visit = world["yohanes"], world["today"]
    response = post(client, yohanes, "recorded", visit=visit.pk)
    assert response.status_code == 302
    recorded = reload(yohanes)
    assert (recorded.status, recorded.recorded_visit, recorded.status_date) == (
        S.RECORDED,
        visit,
        TODAY(),
    )
    assert BacklogEntry.objects.count() == 2  # recording writes no ledger entry
    assert_ledger_agrees(world["campaign"])

    post(client, yohanes, "unrecorded", note="Sidik jari gagal, belum terekam")
    assert (reload(yohanes).status, reload(yohanes).recorded_visit) == (S.UNRECORDED, None)
    assert_ledger_agrees(world["campaign"])


def test_recording_needs_a_visit_up_to_today(client, operator_user, world):
    client.force_login(operator_user)
    yohanes = world["yohanes"]
    assert form_errors(post(client, yohanes, "recorded"), "visit") == ["visit_required"]
    tomorrow = post(client, yohanes, "recorded", visit=world["tomorrow"].pk)
    assert form_errors(tomorrow, "visit") == ["invalid_choice"]
    assert reload(yohanes).status == S.UNRECORDED


def test_the_visits_offered_are_todays_first_then_the_residents_kecamatan(
    client, operator_user, world
):
    client.force_login(operator_user)
    choices = client.get(detail_url(world["yohanes"])).context["form"].fields["visit"].choices
    offered = [pk for pk, _label in choices if pk]
    # Today's two visits first (the resident's kecamatan before the other), then yesterday's.
    assert offered == [world["today"].pk, world["away"].pk, world["yesterday"].pk]
    papua = client.get(detail_url(world["papua"])).context["form"]
    assert papua.fields["visit"].initial == world["away"].pk


def test_a_visit_of_today_naming_the_operator_comes_first_and_is_preselected(
    client, operator_user, world
):
    world["away"].operators.add(operator_user)
    client.force_login(operator_user)
    form = client.get(detail_url(world["yohanes"])).context["form"]
    offered = [pk for pk, _label in form.fields["visit"].choices if pk]
    assert offered == [world["away"].pk, world["today"].pk, world["yesterday"].pk]
    assert form.fields["visit"].initial == world["away"].pk


def test_a_scoped_operator_is_offered_only_visits_of_their_area(client, world):
    client.force_login(scoped_operator(world["away"].kecamatan))
    papua = client.get(detail_url(world["papua"])).context["form"]
    assert [pk for pk, _label in papua.fields["visit"].choices if pk] == [world["away"].pk]
    refused = post(client, world["papua"], "recorded", visit=world["today"].pk)
    assert form_errors(refused, "visit") == ["invalid_choice"]


def test_without_a_visit_today_nothing_is_preselected(client, operator_user, world):
    """Yesterday's visit must be chosen knowingly: one tap must not record at the wrong one."""
    world["today"].delete()
    world["away"].delete()
    client.force_login(operator_user)
    form = client.get(detail_url(world["yohanes"])).context["form"]
    assert [pk for pk, _label in form.fields["visit"].choices if pk] == [world["yesterday"].pk]
    assert form.fields["visit"].initial is None


def test_a_duplicate_needs_a_note_and_a_nik_in_it_is_kept_masked(client, operator_user, world):
    client.force_login(operator_user)
    petrus = world["petrus"]
    assert form_errors(post(client, petrus, "duplicate"), "note") == ["note_required"]
    post(client, petrus, "duplicate", note="Sama dengan 5303 0512 0390 0002 (Yohanes?)")
    entry = BacklogEntry.objects.get(kind="duplicate")
    assert entry.note.endswith("Sama dengan 53xxxxxxxxxx0002 (Yohanes?)")
    assert full_niks_in(client.get(reverse("backlog:list", args=["ttu"]))) == []


def test_a_stale_page_gets_the_reason_in_words(client, operator_user, world):
    client.force_login(operator_user)
    maria = world["maria"]
    post(client, maria, "deceased")
    response = post(client, maria, "moved_out")  # from a page opened before the first click
    assert response.status_code == 200
    assert form_errors(response) == ["not_in_backlog"]
    assert "Maria Goreti Taek" in response.text
    assert_ledger_agrees(world["campaign"])


def test_a_closed_campaign_refuses_changes_in_words(client, operator_user, world):
    world["campaign"].status = "closed"
    world["campaign"].save()
    client.force_login(operator_user)
    response = post(client, world["maria"], "deceased")
    assert form_errors(response) == ["campaign_closed"]


def test_a_koordinator_reads_a_resident_but_every_post_is_refused(client, koordinator_user, world):
    client.force_login(koordinator_user)
    maria = world["maria"]
    page = client.get(detail_url(maria))
    assert page.status_code == 200 and page.context["form"] is None
    assert "53xxxxxxxxxx0001" in page.text and "17/08/1985" not in page.text
    for status, data in [
        ("recorded", {"visit": world["today"].pk}),
        ("deceased", {}),
        ("moved_out", {}),
        ("duplicate", {"note": "ganda"}),
        ("unrecorded", {"note": "salah"}),
    ]:
        assert post(client, maria, status, **data).status_code == 403
    visit = world["today"]
    bulk = reverse("residents:bulk_record", args=[visit.pk])
    assert client.get(bulk).status_code == 403
    assert client.post(bulk, {"niks": MARIA}).status_code == 403
    assert client.get(reverse("residents:invitations_csv", args=[visit.pk])).status_code == 403
    assert reload(maria).status == S.UNRECORDED
    assert BacklogEntry.objects.count() == 2 and not ExportLog.objects.exists()


def test_the_history_shows_who_when_and_what(client, operator_user, world):
    client.force_login(operator_user)
    client.cookies["django_language"] = "en"
    post(client, world["maria"], "recorded", visit=world["today"].pk)
    history = client.get(detail_url(world["maria"])).context["history"]["entries"]
    newest, created = history
    assert newest["who"] == operator_user and not newest["created"]
    changes = {str(label): (old, new) for label, old, new in newest["changes"]}
    assert changes["status"] == (S.UNRECORDED.label, S.RECORDED.label)
    assert changes["recorded at visit"][0] is None
    assert created["created"] and created["who"] is None


# --- NIKs pasted for a visit ----------------------------------------------------------------


def test_pasted_niks_are_split_by_lines_commas_and_semicolons():
    text = "5303055708850001\n5303.0512.0390 0002; 530305120390001 ,\r\n5,30305E+15;5.3E+15\n\n"
    assert split_pasted_niks(text) == [
        "5303055708850001",
        "5303.0512.0390 0002",
        "530305120390001",
        "5,30305E+15",
        "5.3E+15",
    ]


def test_a_paste_saves_the_good_niks_and_lists_each_bad_one_with_its_reason(
    client, operator_user, world
):
    campaign, visit = world["campaign"], world["today"]
    extra = ResidentFactory(campaign=campaign, desa=world["desa"], nik="5303051203900024")
    BacklogEntryFactory(campaign=campaign, kecamatan=world["home"], change=1)
    Resident.objects.filter(pk=world["petrus"].pk).update(
        status=S.RECORDED, recorded_visit=world["yesterday"]
    )
    client.force_login(operator_user)
    client.cookies["django_language"] = "en"
    post(client, extra, "moved_out")
    pasted = "\n".join(
        [
            "5303 0557 0885 0001",  # Maria: saved
            "5303051203900099",  # no one
            PETRUS,  # already recorded
            "5303.0512.0390.0024",  # moved out
            "530305120390002",  # 15 digits
            "5,30305E+15",  # Excel
            "5303051203900002; 5303051203900002",  # Yohanes, twice
            "5303051203900010",  # no one, and ends in 0 as Excel rounds
        ]
    )
    bulk = reverse("residents:bulk_record", args=[visit.pk])
    response = client.post(bulk, {"niks": pasted})
    assert response.status_code == 302 and response.url == bulk

    assert {r.nik for r in Resident.objects.filter(recorded_visit=visit)} == {MARIA, YOHANES}
    assert reload(world["petrus"]).recorded_visit == world["yesterday"]
    assert reload(extra).status == S.MOVED_OUT
    assert_ledger_agrees(campaign)

    page = client.get(bulk)
    result = page.context["result"]
    assert [one["name"] for one in result["saved"]] == ["Maria Goreti Taek", "Yohanes Kolo"]
    assert [(p["nik"], p["code"]) for p in result["problems"]] == [
        ("5303051203900099", "unknown"),
        (PETRUS, "unchanged"),  # already recorded
        ("5303.0512.0390.0024", "not_in_backlog"),
        ("530305120390002", "too_short"),
        ("5,30305E+15", "excel_scientific"),
        ("5303051203900002", "pasted_twice"),
        ("5303051203900010", "unknown"),
    ]
    reasons = {p["code"]: p["reason"] for p in result["problems"]}
    assert "Text" in reasons["excel_scientific"]
    assert "rounded" in result["problems"][-1]["reason"]
    # The NIKs to fix wait in the box; the result is shown once.
    assert page.context["form"]["niks"].value().splitlines()[0] == "5303051203900099"
    assert client.get(bulk).context["result"] is None


def test_a_paste_by_a_scoped_operator_learns_nothing_of_residents_elsewhere(client, world):
    """Yuliana lives outside the operator's kecamatan: her NIK answers exactly as a NIK that
    is in no list at all, without her name, without a hint that she exists."""
    nobody = "9171015708450002"
    client.force_login(scoped_operator(world["home"]))
    bulk = reverse("residents:bulk_record", args=[world["today"].pk])
    client.post(bulk, {"niks": f"{MARIA}\n{PAPUA}\n{nobody}"})
    page = client.get(bulk)
    problems = page.context["result"]["problems"]
    assert [(p["nik"], p["code"]) for p in problems] == [(PAPUA, "unknown"), (nobody, "unknown")]
    assert problems[0]["reason"] == problems[1]["reason"]
    assert "Yuliana" not in page.text
    assert reload(world["papua"]).status == S.UNRECORDED
    assert reload(world["maria"]).status == S.RECORDED


def test_a_future_visit_takes_no_paste(client, operator_user, world):
    client.force_login(operator_user)
    bulk = reverse("residents:bulk_record", args=[world["tomorrow"].pk])
    page = client.get(bulk)
    assert page.context["blocked"]
    client.post(bulk, {"niks": MARIA})
    assert reload(world["maria"]).status == S.UNRECORDED


def test_an_empty_or_oversized_paste_is_refused(client, operator_user, world):
    client.force_login(operator_user)
    bulk = reverse("residents:bulk_record", args=[world["today"].pk])
    assert form_errors(client.post(bulk, {"niks": " ,; \n"}), "niks") == ["required"]
    too_many = "\n".join(f"5303051203{n:06d}" for n in range(501))
    assert form_errors(client.post(bulk, {"niks": too_many}), "niks") == ["too_many"]


# --- Invitation lists -----------------------------------------------------------------------


def invitations(client, visit, **kwargs):
    return client.get(reverse("residents:invitations", args=[visit.pk]), **kwargs)


def test_the_invitation_list_is_the_unrecorded_of_the_visits_desa(client, operator_user, world):
    Resident.objects.filter(pk=world["yohanes"].pk).update(status=S.DECEASED)
    client.force_login(operator_user)
    page = invitations(client, world["today"])  # in Benpasi
    assert [r.name for r in page.context["residents"]] == ["Maria Goreti Taek"]
    assert MARIA in page.text and "17/08/1985" in page.text


def test_a_visit_without_desa_invites_its_kecamatan_grouped_by_desa(
    client, koordinator_user, world
):
    client.force_login(koordinator_user)
    page = invitations(client, world["yesterday"])  # Kota Kefamenanu, no desa
    assert [(r.desa.name, r.name) for r in page.context["residents"]] == [
        ("Benpasi", "Maria Goreti Taek"),
        ("Benpasi", "Yohanes Kolo"),
        ("Kefa Tengah", "Petrus Bana"),
    ]
    assert page.text.count('class="invitation-desa"') == 2
    # A koordinator: NIKs masked, an age instead of the birth date, no CSV link.
    assert "53xxxxxxxxxx0001" in page.text and full_niks_in(page) == []
    assert "17/08/1985" not in page.text
    assert reverse("residents:invitations_csv", args=[world["yesterday"].pk]) not in page.text


def test_the_invitation_csv_opens_in_excel_with_every_nik_digit(client, operator_user, world):
    client.force_login(operator_user)
    client.cookies["django_language"] = "en"
    visit = world["yesterday"]
    response = client.get(reverse("residents:invitations_csv", args=[visit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM
    # An English interface: commas, as English Excel splits (Indonesian: see the next test).
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["No.", "Village", "Name", "Sex", "Birth date", "Age", "NIK"]
    assert rows[1] == [
        "1",
        "Benpasi",
        "Maria Goreti Taek",
        "P",
        "1985-08-17",  # ISO: Excel reads it as a date in any locale
        str(age_on(datetime.date(1985, 8, 17), visit.date)),
        f'="{MARIA}"',  # a formula giving text: Excel keeps the 16 digits and shows no quote
    ]
    assert [row[6] for row in rows[1:]] == [f'="{MARIA}"', f'="{YOHANES}"', f'="{PETRUS}"']
    assert b'"=""5303055708850001"""' in response.content  # as the csv module quotes it
    log = ExportLog.objects.get()
    assert (log.user, log.campaign, log.rows) == (operator_user, world["campaign"], 3)
    assert "Invitation list" in log.what


def test_the_invitation_csv_in_indonesian_has_semicolons(client, operator_user, world):
    client.force_login(operator_user)
    client.cookies["django_language"] = "id"
    response = client.get(reverse("residents:invitations_csv", args=[world["yesterday"].pk]))
    lines = response.content.decode("utf-8-sig").splitlines()
    # As Indonesian Excel splits a line: on semicolons, quotes aside.
    assert lines[0].split(";") == [
        "No.",
        "Desa",
        "Nama",
        "Jenis kelamin",
        "Tanggal lahir",
        "Umur",
        "NIK",
    ]
    assert lines[1].split(";")[:2] == ["1", "Benpasi"]


def test_the_csv_keeps_a_name_from_being_read_as_a_formula(client, operator_user, world):
    Resident.objects.filter(pk=world["maria"].pk).update(name="=HYPERLINK(1)")
    client.force_login(operator_user)
    response = client.get(reverse("residents:invitations_csv", args=[world["today"].pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][2] == "'=HYPERLINK(1)"


def test_the_invitation_page_and_csv_run_the_same_queries_for_few_or_many(
    client, operator_user, world
):
    client.force_login(operator_user)
    visit = world["yesterday"]
    urls = [
        reverse("residents:invitations", args=[visit.pk]),
        reverse("residents:invitations_csv", args=[visit.pk]),
    ]
    few = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        few[url] = len(queries)
    for desa in DesaFactory.create_batch(3, kecamatan=world["home"]):
        ResidentFactory.create_batch(10, campaign=world["campaign"], desa=desa)
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        assert len(queries) == few[url], url


def test_todays_visits_link_to_their_invitation_list_and_paste_page(client, operator_user, world):
    client.force_login(operator_user)
    page = client.get(reverse("visits:today"))
    assert reverse("residents:invitations", args=[world["today"].pk]) in page.text
    assert reverse("residents:bulk_record", args=[world["today"].pk]) in page.text


# --- No full NIK for a koordinator, anywhere ------------------------------------------------

# Pages with data of their own to scan beyond each URL's plain GET.
EXTRA = [
    ("campaigns:kecamatan", ["ttu"], {"_export": "csv"}),
    ("campaigns:kecamatan", ["ttu"], {"_export": "xlsx"}),
    ("residents:list", ["ttu"], {"q": MARIA}),
    ("residents:list", ["ttu"], {"status": "duplicate"}),
    ("residents:detail", ["DUPLICATE"], {}),
    ("residents:invitations", ["YESTERDAY"], {}),
    ("visits:report", ["TODAY"], {}),
    ("residents:invitations_csv", ["YESTERDAY"], {}),
    ("admin:residents_resident_changelist", [], {}),
    ("admin:residents_backlogentry_changelist", [], {}),
]


@pytest.fixture
def busy_world(client, world, admin_member):
    """The world after a day's work through the pages: removals with notes (one naming a
    NIK), a recording, an undo, and a daily report."""
    from tests.factories import DailyReportFactory

    client.force_login(admin_member)
    post(client, world["petrus"], "duplicate", note=f"Sama dengan {YOHANES}")
    post(client, world["papua"], "moved_out", note="pindah, NIK 9171:0157:0845:0001")
    post(client, world["maria"], "recorded", visit=world["today"].pk)
    post(client, world["maria"], "unrecorded", note=f"Bukan {MARIA}, salah orang")
    DailyReportFactory(visit=world["yesterday"])
    # NIKs typed into every free-text field, as people group them.
    report = reverse("visits:report", args=[world["today"].pk])
    counts = {"recorded_count": "5", "first_time_voters": "0", "failed_count": "0"}
    for notes, reason in [
        ("Ibu dengan NIK 5303-0212-0390-0001 tidak hadir", "NIK 5303 0212 0390 0001"),
        ("Sidik jari 5303.0212.0390.0001 gagal", "salah 5303_0212_0390_0001"),
        ("5303/0212/0390/0001 dan 5303,0212,0390,0001", "5303021203900001"),
        ("5303:0212:0390:0001 dan 5303|0212|0390|0001", "(5303)0212 0390 0001"),
        ("5303—021203900001 dan 5303+0212+0390+0001", "5303​021203900001"),
    ]:
        assert client.post(report, counts | {"notes": notes, "reason": reason}).status_code == 302
    backlog = reverse("backlog:list", args=["ttu"])
    entry = {"kecamatan": world["home"].code, "date": TODAY().isoformat(), "count": "1"}
    for kind, note in [
        ("moved_out", "Pindah: NIK 5303-0212-0390-0001"),
        ("first_time_voter", f"Baru {YOHANES}"),
    ]:
        assert client.post(backlog, entry | {"kind": kind, "note": note}).status_code == 302
    client.logout()
    return world


def scanned_urls(world):
    placeholders = {
        "DUPLICATE": world["petrus"].pk,
        "YESTERDAY": world["yesterday"].pk,
        "TODAY": world["today"].pk,
    }
    # No import job here: its pages answer 403 or 404 (tests/residents/test_import_views.py).
    matrix_world = {
        "visit": world["today"],
        "resident": world["maria"],
        "job": SimpleNamespace(pk=uuid.uuid4()),
    }
    for name, (args, _data, _expected) in MATRIX.items():
        yield reverse(name, args=url_args(args, matrix_world)), {}
    for name, args, query in EXTRA:
        yield reverse(name, args=[placeholders.get(a, a) for a in args]), query


def pages_with_full_niks(client, world, read=None):
    found = {}
    for url, query in scanned_urls(world):
        response = client.get(url, query, follow=True)
        if read is not None and response.status_code == 200:
            read[url] = response
        niks = full_niks_in(response)
        if niks:
            found[f"{url}?{query}"] = niks
    return found


def test_no_response_to_a_koordinator_holds_a_full_nik(client, koordinator_user, busy_world):
    client.force_login(koordinator_user)
    read = {}
    assert pages_with_full_niks(client, busy_world, read) == {}
    # The scan read the pages with residents on them, masked.
    for name, args in [
        ("residents:list", ["ttu"]),
        ("residents:detail", [busy_world["maria"].pk]),
        ("residents:invitations", [busy_world["yesterday"].pk]),
        ("backlog:list", ["ttu"]),
        ("campaigns:dashboard", ["ttu"]),
    ]:
        assert reverse(name, args=args) in read, name
    assert (
        "53xxxxxxxxxx0001" in read[reverse("residents:detail", args=[busy_world["maria"].pk])].text
    )
    # The notes naming a NIK are masked on the backlog page everyone reads.
    backlog = read[reverse("backlog:list", args=["ttu"])].text
    assert "Sama dengan 53xxxxxxxxxx0002" in backlog


def test_the_same_scan_finds_the_full_niks_an_operator_sees(client, operator_user, busy_world):
    client.force_login(operator_user)
    found = pages_with_full_niks(client, busy_world)
    assert f"{list_url(busy_world)}?{{}}" in found
    assert f"{detail_url(busy_world['maria'])}?{{}}" in found
    csv_url = reverse("residents:invitations_csv", args=[busy_world["yesterday"].pk])
    assert set(found[f"{csv_url}?{{}}"]) == {MARIA, YOHANES}


def test_no_address_carries_a_whole_nik(client, operator_user, world):
    """Searches post and come back with a token, so no access log, browser history or proxy
    keeps a NIK: not the redirect, not a link or form on the page found, not the next page."""
    ResidentFactory.create_batch(60, campaign=world["campaign"], desa=world["desa"], name="Bana")
    client.force_login(operator_user)
    for term in (YOHANES, "5303 0512 0390 0002", "5303:0512:0390:0002", "5303/0512/0390/0002"):
        response = search(client, world, q=term, status="unrecorded")
        assert [r.name for r in response.context["object_list"]] == ["Yohanes Kolo"]
        addresses = [url for url, _status in response.redirect_chain] + re.findall(
            r'(?:href|action|value)="([^"]*[/?][^"]*)"', response.text
        )
        assert addresses and not [a for a in addresses if FULL_NIK.search(a.replace(" ", ""))]
    page = search(client, world, q="Bana")
    assert page.context["is_paginated"] and "Bana" in page.redirect_chain[0][0]


def test_log_lines_mask_niks(settings):
    """A NIK typed into an address by hand reaches the server's request log masked."""
    import logging

    from residents.log import MaskNiks

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        (f"GET /?q={YOHANES} HTTP/1.1", "200", "5"),
        None,
    )
    assert MaskNiks().filter(record)
    assert record.getMessage() == '"GET /?q=53xxxxxxxxxx0002 HTTP/1.1" 200 5'
    for encoded in ("5303+0512+0390+0002", "5303%2F0512%2F0390%2F0002", "5303%3A0512%3A03900002"):
        record = logging.LogRecord(
            "django.server", logging.INFO, "", 0, "GET /?q=%s", (encoded,), None
        )
        MaskNiks().filter(record)
        assert record.getMessage() == "GET /?q=53xxxxxxxxxx0002", encoded
    # Every handler of the project's logging goes through it, runserver's included.
    handlers = settings.LOGGING["handlers"]
    assert "django.server" in handlers
    assert all("mask_niks" in handler["filters"] for handler in handlers.values())
