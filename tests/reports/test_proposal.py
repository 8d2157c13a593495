"""The schedule proposal: the planner on hand-made cases with known best answers, on the
demo, its page, its permissions and accepting it."""

import datetime
import time

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from campaigns import services
from campaigns.models import OperatorScope, Visit
from reports.demo import demo_load
from reports.progress import campaign_progress
from reports.proposal import (
    MOBILE,
    STATIONARY,
    BookedVisit,
    PlannerInput,
    PlanPlace,
    PlanSet,
    campaign_proposal,
    haversine_km,
    propose,
)
from tests.factories import (
    BacklogEntryFactory,
    DesaFactory,
    DeviceFactory,
    KecamatanFactory,
    ResidentFactory,
    UserFactory,
    VisitFactory,
)

D = datetime.date
DAY1, DAY2, DAY3 = D(2024, 2, 1), D(2024, 2, 2), D(2024, 2, 3)
# Three kecamatan on a line, about 11 km apart; a fourth and fifth further on.
COORDS = {f"K{i}": (-9.4, 124.4 + 0.1 * i) for i in range(1, 6)}


def mobile(code, days, home="K1"):
    return PlanSet(code, home, dict.fromkeys(days, MOBILE))


def plan_input(sets, backlog, days=(DAY1, DAY2), **kwargs):
    return PlannerInput(
        days=list(days),
        sets=sets,
        places=[PlanPlace(k, None, n) for k, n in backlog.items()],
        average_per_visit=75,
        coordinates=COORDS,
        **kwargs,
    )


def where(proposal):
    return [(v.day, v.set_code, v.kecamatan, v.expected) for v in proposal.visits]


# The planner on hand-made cases.


def test_two_sets_three_kecamatan_cover_all_before_recording_more():
    """K1 alone could fill all four set-days (300 people), but K2 and K3 need a visit too:
    the best that covers all three records 75 + 75 + 10 + 10 = 170."""
    data = plan_input(
        [mobile("A", [DAY1, DAY2]), mobile("B", [DAY1, DAY2])], {"K1": 300, "K2": 10, "K3": 10}
    )

    proposal = propose(data)

    assert proposal.unvisited == []
    assert proposal.promised == 170
    assert sorted(v.kecamatan for v in proposal.visits) == ["K1", "K1", "K2", "K3"]
    assert proposal.promised == sum(v.expected for v in proposal.visits)
    assert proposal.left == 320 - 170


def test_the_nearest_kecamatan_is_covered_first_and_the_rest_fill_by_yield():
    """Equal backlogs: each set goes to the nearest unvisited kecamatan, then the second
    visit goes where most is left (K1 has 25 left and no travel for set A)."""
    data = plan_input(
        [mobile("A", [DAY1, DAY2]), mobile("B", [DAY1, DAY2])], {"K1": 100, "K2": 100, "K3": 100}
    )

    proposal = propose(data)

    assert where(proposal) == [
        (DAY1, "A", "K1", 75),
        (DAY1, "B", "K2", 75),
        (DAY2, "A", "K3", 75),
        (DAY2, "B", "K2", 25),
    ]
    assert proposal.promised == 250  # the most four visits can record from 3 × 100
    assert proposal.visits[1].travel_km == pytest.approx(
        haversine_km(COORDS["K1"], COORDS["K2"]), abs=0.1
    )


def test_a_stationary_set_works_only_at_its_office_and_covers_it():
    office = PlanSet("S", "K1", dict.fromkeys([DAY1, DAY2], STATIONARY))
    data = plan_input([office, mobile("M", [DAY1, DAY2], home="K3")], {"K1": 200, "K2": 100})

    proposal = propose(data)

    assert [(v.day, v.kecamatan) for v in proposal.visits if v.set_code == "S"] == [
        (DAY1, "K1"),
        (DAY2, "K1"),
    ]
    # The mobile set need not go to the office's kecamatan: the stationary set covers it.
    assert [v.kecamatan for v in proposal.visits if v.set_code == "M"][0] == "K2"
    assert proposal.unvisited == []
    assert proposal.promised == 75 + 75 + 75 + 50


def test_a_stationary_set_with_nothing_left_at_its_office_stays_idle():
    office = PlanSet("S", "K1", dict.fromkeys([DAY1, DAY2], STATIONARY))

    proposal = propose(plan_input([office], {"K1": 0, "K2": 100}))

    assert proposal.visits == []
    assert proposal.unvisited == ["K2"]
    assert proposal.extra_sets == 1


def test_a_set_under_repair_mid_way_gets_no_visit_on_its_repair_days():
    # Working on days 1 and 3; under repair on day 2, so day 2 is absent from its modes.
    repaired = PlanSet("A", "K1", {DAY1: MOBILE, DAY3: MOBILE})
    data = plan_input([repaired], {"K1": 100, "K2": 100}, days=(DAY1, DAY2, DAY3))

    proposal = propose(data)

    assert [(v.day, v.kecamatan) for v in proposal.visits] == [(DAY1, "K1"), (DAY3, "K2")]
    assert proposal.unvisited == []


def test_an_impossible_deadline_says_how_many_more_sets_or_days():
    """One set, two days, five kecamatan: three are left unvisited; two more sets (six
    set-days) or three more days would reach them all."""
    backlog = {f"K{i}": 100 for i in range(1, 6)}

    proposal = propose(plan_input([mobile("A", [DAY1, DAY2])], backlog))

    assert len(proposal.visits) == 2
    assert len(proposal.unvisited) == 3
    assert proposal.extra_sets == 2
    assert proposal.extra_days == 3


def test_booked_visits_keep_their_set_and_take_their_share_of_the_backlog():
    booked = [BookedVisit(DAY1, "A", "K2")]
    data = plan_input([mobile("A", [DAY1, DAY2])], {"K1": 50, "K2": 100}, booked=booked)

    proposal = propose(data)

    assert proposal.booked_expected == 75
    # Not on day 1 (booked); on day 2 to K1, the one still unvisited, from K2.
    assert where(proposal) == [(DAY2, "A", "K1", 50)]
    assert proposal.left == 25
    assert proposal.total == 125


def test_a_place_without_a_centroid_costs_the_default_distance():
    data = plan_input([mobile("A", [DAY1])], {"K9": 100})

    (visit,) = propose(data).visits

    assert visit.kecamatan == "K9" and visit.travel_km is None


def test_by_desa_a_day_takes_up_to_two_small_desa_of_one_kecamatan():
    data = PlannerInput(
        days=[DAY1],
        sets=[mobile("A", [DAY1])],
        places=[
            PlanPlace("K1", "K1.a", 30),
            PlanPlace("K1", "K1.b", 20),
            PlanPlace("K1", "K1.c", 40),
        ],
        average_per_visit=75,
        coordinates=COORDS,
    )

    (visit,) = propose(data).visits

    assert visit.desa == (
        "K1.a",
        "K1.c",
    )  # nearest (all at the kecamatan's centroid: by code), then the largest
    assert visit.expected == 70


def test_the_same_input_gives_the_same_proposal_whatever_its_order():
    backlog = {f"K{i}": 60 + 10 * i for i in range(1, 6)}
    sets = [mobile("B", [DAY1, DAY2, DAY3]), mobile("A", [DAY1, DAY2, DAY3], home="K4")]
    data = plan_input(sets, backlog, days=(DAY1, DAY2, DAY3))
    again = plan_input(sets[::-1], dict(reversed(backlog.items())), days=(DAY1, DAY2, DAY3))

    assert propose(data) == propose(data) == propose(again)


# On the demo.


@pytest.fixture
def today_demo(db):
    """The demo moved so that its day 6 is today, as `make run` loads it."""
    return demo_load(today=timezone.localdate()).campaign


def test_on_the_demo_without_later_visits_every_kecamatan_gets_one(demo):
    as_of = D(2024, 1, 23)
    demo.visits.filter(date__gt=as_of).delete()

    plan = campaign_proposal(progress=campaign_progress(campaign=demo, as_of=as_of))
    proposal = plan.proposal

    assert proposal.unvisited == []
    assert proposal.promised == sum(v.expected for v in proposal.visits) > 0
    visited = {v.kecamatan for v in proposal.visits} | {"53.03.02"}  # booked on the 23rd
    with_backlog = {
        k.code for k in campaign_progress(campaign=demo, as_of=as_of).kecamatan if k.remaining
    }
    assert with_backlog <= visited
    assert {v.set_code for v in proposal.visits if v.kecamatan != "53.03.05"} <= {
        "TTU-01",
        "TTU-02",
    }
    assert all(v.day > as_of for v in proposal.visits)


def test_on_the_demo_as_booked_it_names_the_dashboards_gaps_and_one_more_set(demo):
    """Every mobile set-day to 7 February is booked; three kecamatan visited in the first
    week still have a backlog and no visit to come, and so has the urban area, where only
    the stationary set is free to go."""
    progress = campaign_progress(campaign=demo, as_of=D(2024, 1, 23))

    proposal = campaign_proposal(progress=progress).proposal

    gaps = sorted(k.code for k in progress.kecamatan if k.coverage_gap)
    assert gaps == ["53.03.05", *proposal.unvisited]
    assert proposal.unvisited == ["53.03.07", "53.03.10", "53.03.23"]
    assert proposal.extra_sets == 1
    assert {(v.set_code, v.kecamatan) for v in proposal.visits} == {("TTU-03", "53.03.05")}
    # To the extension, the three days after 7 February reach them.
    assert campaign_proposal(progress=progress, to="extension").proposal.unvisited == []


def test_the_demo_proposal_is_fast(demo):
    progress = campaign_progress(campaign=demo, as_of=D(2024, 1, 23))
    demo.visits.filter(date__gt=progress.as_of).delete()
    started = time.perf_counter()
    campaign_proposal(progress=progress)
    assert time.perf_counter() - started < 2


# The page.


def url(campaign, **query):
    base = reverse("campaigns:propose", args=[campaign.slug])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_page_shows_the_proposal_in_indonesian(client, admin_member, demo):
    demo.visits.filter(date__gt=D(2024, 1, 23)).delete()
    client.force_login(admin_member)

    response = client.get(url(demo, as_of="2024-01-23"))

    assert response.status_code == 200
    html = response.content.decode()
    proposal = response.context["plan"].proposal
    assert "Usulan jadwal" in html
    assert f"diperkirakan merekam {proposal.promised:,}".replace(",", ".") in html
    assert "Setiap kecamatan yang masih ada sisanya mendapat kunjungan." in html
    assert "Insana Barat" in html and "TTU-01" in html
    assert "{# map #}" not in html  # the slot is a template comment
    # Not today's proposal: nothing to accept.
    assert 'name="visit"' not in html


def test_the_page_says_what_cannot_be_covered_and_what_would(client, admin_member, demo):
    client.force_login(admin_member)

    html = client.get(url(demo, as_of="2024-01-23")).content.decode()

    assert "Biboki Anleu" in html and "Noemuti Timur" in html
    assert "Dengan 1 alat keliling lagi" in html


def test_without_a_set_it_is_left_out(client, admin_member, demo):
    demo.visits.filter(date__gt=D(2024, 1, 23)).delete()
    client.force_login(admin_member)

    response = client.get(url(demo, as_of="2024-01-23", without="TTU-01"))

    plan = response.context["plan"]
    assert plan.without == "TTU-01"
    assert {v.set_code for v in plan.proposal.visits} == {"TTU-02", "TTU-03"}
    assert '<option value="TTU-01" selected>TTU-01</option>' in response.content.decode()


def test_koordinators_and_scoped_operators_may_not_see_it(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    assert client.get(url(demo)).status_code == 403

    scoped = UserFactory(username="scoped")
    scoped.groups.add(Group.objects.get(name="Operator"))
    OperatorScope.objects.create(user=scoped).kecamatan.add("53.03.05")
    client.force_login(scoped)
    assert client.get(url(demo)).status_code == 403


def test_an_operator_sees_it_but_may_not_accept(client, operator_user, today_demo):
    client.force_login(operator_user)

    response = client.get(url(today_demo))

    assert response.status_code == 200
    assert 'name="visit"' not in response.content.decode()
    assert client.post(url(today_demo), {"visit": ["x"]}).status_code == 403
    assert not Visit.objects.filter(date__gt=timezone.localdate(), device__code="TTU-03").exists()


def test_the_page_runs_the_same_queries_whatever_the_campaign_size(client, admin_member, campaign):
    client.force_login(admin_member)
    today = timezone.localdate()

    def grow(n):
        for _ in range(n):
            desa = DesaFactory(kecamatan=KecamatanFactory(kabupaten=campaign.kabupaten))
            BacklogEntryFactory(campaign=campaign, kecamatan=desa.kecamatan, change=100)
            ResidentFactory(campaign=campaign, desa=desa)
            device = DeviceFactory(home_kecamatan=desa.kecamatan)
            VisitFactory(
                campaign=campaign,
                device=device,
                kecamatan=desa.kecamatan,
                date=today + datetime.timedelta(days=2),
            )

    grow(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(campaign)).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url(campaign))
    assert len(response.context["plan"].proposal.visits) > 7
    assert len(large) == len(small)


# Accepting it.


def test_accepting_creates_the_visits_and_the_gaps_drop_to_what_it_could_not_cover(
    client, admin_member, today_demo
):
    today = timezone.localdate()
    today_demo.visits.filter(date__gt=today).delete()
    client.force_login(admin_member)
    page = client.get(url(today_demo))
    keys = [row["key"] for row in page.context["rows"]]
    promised = page.context["plan"].proposal
    assert promised.unvisited == []

    response = client.post(url(today_demo), {"visit": keys}, follow=True)

    created = list(today_demo.visits.filter(date__gt=today).select_related("device", "kecamatan"))
    assert len(created) == len(keys) == len(promised.visits)
    assert f"{len(keys)} kunjungan dibuat." in response.content.decode()
    for visit in created:
        visit.full_clean()  # valid by the admin's rules
        assert visit.site_name and visit.planned_count > 0 and not visit.operators.exists()
    assert sum(v.planned_count for v in created) == promised.promised
    gaps = [
        k.code
        for k in campaign_progress(campaign=today_demo, as_of=today).kecamatan
        if k.coverage_gap
    ]
    assert gaps == promised.unvisited == []
    # Accepted, the proposal has nothing more to offer the mobile sets.
    again = client.get(url(today_demo)).context["plan"].proposal
    assert again.visits == [] or {v.set_code for v in again.visits} == {"TTU-03"}


def test_accepting_with_every_set_booked_leaves_the_gaps_it_named(client, admin_member, today_demo):
    client.force_login(admin_member)
    page = client.get(url(today_demo))
    named = page.context["plan"].proposal.unvisited
    assert len(named) == 3  # and Kota Kefamenanu, which the stationary set will cover

    client.post(url(today_demo), {"visit": [row["key"] for row in page.context["rows"]]})

    progress = campaign_progress(campaign=today_demo, as_of=timezone.localdate())
    assert [k.code for k in progress.kecamatan if k.coverage_gap] == named


def test_accepting_part_creates_only_the_ticked_and_reports_a_changed_proposal(
    client, admin_member, today_demo
):
    today_demo.visits.filter(date__gt=timezone.localdate()).delete()
    client.force_login(admin_member)
    rows = client.get(url(today_demo)).context["rows"]

    response = client.post(
        url(today_demo), {"visit": [rows[0]["key"], "2099-01-01|TTU-01|53.03.05|"]}, follow=True
    )

    assert today_demo.visits.filter(date__gt=timezone.localdate()).count() == 1
    html = response.content.decode()
    assert "1 kunjungan dibuat." in html
    assert "tidak lagi ada dalam usulan" in html


def test_the_service_creates_each_visit_it_can_and_says_why_not_the_others(admin_member, campaign):
    home = KecamatanFactory(kabupaten=campaign.kabupaten, name="Kota")
    other = KecamatanFactory(kabupaten=campaign.kabupaten, name="Desa jauh")
    office = DeviceFactory(code="ST-1", mode="stationary", home_kecamatan=home)
    roving = DeviceFactory(code="MB-1", home_kecamatan=home)
    day = timezone.localdate() + datetime.timedelta(days=1)
    VisitFactory(campaign=campaign, device=roving, kecamatan=home, date=day)
    drafts = [
        services.VisitDraft(day, "ST-1", home.code, site_name="Kota", planned_count=75),
        services.VisitDraft(day + datetime.timedelta(days=1), "ST-1", other.code, planned_count=75),
        services.VisitDraft(day, "MB-1", other.code, planned_count=75),
    ]

    result = services.visits_create(campaign=campaign, drafts=drafts, by=admin_member)

    assert [(v.device, v.kecamatan) for v in result.created] == [(office, home)]
    with translation.override("en"):
        reasons = {d.device + d.date.isoformat(): reason for d, reason in result.refused}
    assert len(reasons) == 2
    assert any("already scheduled" in r or "sudah dijadwalkan" in r for r in reasons.values())
    assert any("stationary" in r or "menetap" in r for r in reasons.values())


def test_only_an_admin_may_create_visits_from_a_proposal(operator_user, campaign):
    with pytest.raises(PermissionDenied):
        services.visits_create(campaign=campaign, drafts=[], by=operator_user)


def test_a_visit_already_reported_covers_its_kecamatan_but_records_nothing_more():
    booked = [BookedVisit(DAY1, "A", "K2", reported=True)]
    data = plan_input(
        [mobile("A", [DAY1, DAY2])], {"K1": 50, "K2": 100}, days=(DAY2,), booked=booked
    )

    proposal = propose(data)

    assert proposal.booked_expected == 0
    # K2 is covered by the visit reported today: the one set-day goes to K1.
    assert where(proposal) == [(DAY2, "A", "K1", 50)]
    assert proposal.unvisited == []
    assert proposal.left == 100
