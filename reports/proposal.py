"""Where the sets go next: a proposed schedule that records the most people before the
deadline and leaves no kecamatan with a backlog unvisited when that is possible.

`propose()` is plain: it takes and returns dataclasses, never touches the database and is the same
for the same input (ties go to the lower code). `proposal_input()` gathers its input for a
campaign with a fixed number of queries.

The heuristic, greedy, day by day from the first day, each day's sets in code order
(stationary sets first):
1. A stationary set works only at its home office kecamatan, while that has a backlog.
2. While some kecamatan with a backlog has no visit (booked or proposed), a free mobile set
   goes to the nearest of them from where it is (straight-line distance between centroids).
3. Then each free mobile set goes where it is expected to record the most, less the travel:
   expected − TRAVEL_COST_PER_KM × km.
A visit's expected count is min(average per visit, backlog left at that place); visits
already booked take their share of the backlog first. A set's position is its last place
(home office at the start). Coverage comes first because a kecamatan left out is worse for
the election than a few people fewer elsewhere; it costs yield only where a kecamatan's
backlog is smaller than a visit's average. Step 2 is optimal for coverage: every free mobile
set-day covers one more kecamatan, so coverage fails only when there are fewer of them than
kecamatan to cover. Then the planner is run again with extra virtual mobile sets (or extra
days) to say how many would make it possible.
"""

import datetime
import math
from dataclasses import dataclass, field, replace

from django.db.models import Count

from campaigns.models import Visit
from devices.models import DeviceState
from reports.device_days import StateHistory, campaign_devices
from residents.models import Resident

MOBILE, STATIONARY = "mobile", "stationary"
# A straight-line kilometre costs about half a person: on Timor's roads a straight km is
# about 1.5 km driven, some 3 minutes, while a set records one person in about 6 minutes
# (75 in an 8-hour day). Used only to choose between places, never in the promised count.
TRAVEL_COST_PER_KM = 0.5
# A place without a centroid (nor its kecamatan's) is taken to be this far from anywhere.
DEFAULT_TRAVEL_KM = 30.0
# A set records this many per visit when the campaign has no reports yet (TTU's pace).
DEFAULT_PER_VISIT = 75
PLACES_PER_DAY = 2
# How far the "what would make it possible" re-runs look.
MAX_EXTRA_SETS = 10
MAX_EXTRA_DAYS = 30
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class PlanSet:
    """A recording set and, for each day it works, its mode on that day (days it is under
    repair, retired or not yet in service are absent)."""

    code: str
    home_kecamatan: str
    modes: dict  # date -> MOBILE or STATIONARY
    virtual: bool = False


@dataclass(frozen=True)
class PlanPlace:
    """Backlog left at one place: a desa (where the resident list is imported) or a whole
    kecamatan (desa None, from the ledger)."""

    kecamatan: str
    desa: str | None
    backlog: int


@dataclass(frozen=True)
class BookedVisit:
    day: datetime.date
    set_code: str
    kecamatan: str
    desa: str | None = None
    reported: bool = False  # its count is in the backlog already: it covers, takes nothing


@dataclass
class PlannerInput:
    days: list  # the dates to fill, in order
    sets: list  # PlanSet
    places: list  # PlanPlace
    average_per_visit: float
    booked: list = field(default_factory=list)  # BookedVisit, each not yet reported
    coordinates: dict = field(default_factory=dict)  # region code -> (lat, lng)
    places_per_day: int = PLACES_PER_DAY


@dataclass(frozen=True)
class ProposedVisit:
    day: datetime.date
    set_code: str
    kecamatan: str
    desa: tuple  # the desa codes it works at (up to places_per_day), () for the kecamatan
    expected: int
    travel_km: float | None  # straight-line from the set's previous place; None: unknown
    covers: bool  # its kecamatan had no visit before it


@dataclass
class Proposal:
    visits: list  # ProposedVisit, by day and set
    promised: int  # what the proposed visits are expected to record
    booked_expected: int  # what the visits already booked are expected to record
    backlog: int  # the backlog at the start
    left: int  # backlog neither booked nor proposed visits reach
    unvisited: list  # kecamatan codes with a backlog and no visit, booked or proposed
    extra_sets: int | None = None  # mobile sets that would cover them all; None: more than
    extra_days: int | None = None  # MAX_EXTRA_SETS / MAX_EXTRA_DAYS would be needed

    @property
    def total(self):
        return self.booked_expected + self.promised


def haversine_km(a, b) -> float:
    """Straight-line (great-circle) distance between two (lat, lng), in km."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def propose(data: PlannerInput, *, explain: bool = True) -> Proposal:
    """The proposed visits for `data`; with `explain`, what would cover every kecamatan."""
    proposal = _Planner(data).run()
    if explain and proposal.unvisited:
        proposal.extra_sets = _fewest(MAX_EXTRA_SETS, lambda n: _with_sets(data, n))
        proposal.extra_days = _fewest(MAX_EXTRA_DAYS, lambda n: _with_days(data, n))
    return proposal


def _fewest(bound, variant):
    """The least n in 1..bound for which the variant of the input leaves nothing unvisited."""
    for n in range(1, bound + 1):
        if not _Planner(variant(n)).run().unvisited:
            return n
    return None


def _with_sets(data, n):
    """`data` with n more mobile sets, working every day, based where most sets are."""
    homes = sorted(s.home_kecamatan for s in data.sets) or sorted(p.kecamatan for p in data.places)
    home = max(homes, key=homes.count) if homes else ""
    extra = [
        PlanSet(f"+{i}", home, dict.fromkeys(data.days, MOBILE), virtual=True)
        for i in range(1, n + 1)
    ]
    return replace(data, sets=[*data.sets, *extra])


def _with_days(data, n):
    """`data` with n more days, each set as it is on the last day."""
    if not data.days:
        return data
    last = data.days[-1]
    more = [last + datetime.timedelta(days=i) for i in range(1, n + 1)]
    sets = [
        replace(s, modes={**s.modes, **dict.fromkeys(more, s.modes[last])})
        if last in s.modes
        else s
        for s in data.sets
    ]
    return replace(data, days=[*data.days, *more], sets=sets)


class _Planner:
    def __init__(self, data: PlannerInput):
        self.data = data
        self.average = max(round(data.average_per_visit), 0)
        self.left = {}  # kecamatan -> {desa or None: backlog left}
        for p in data.places:
            if p.backlog > 0:
                places = self.left.setdefault(p.kecamatan, {})
                places[p.desa] = places.get(p.desa, 0) + p.backlog
        self.backlog = sum(self.kecamatan_left(k) for k in self.left)
        self.visited = set()
        # Where each set is: (kecamatan, desa or None), its home office at the start.
        self.position = {s.code: (s.home_kecamatan, None) for s in data.sets}

    # Where things are.

    def coords(self, kecamatan, desa=None):
        return self.data.coordinates.get(desa) or self.data.coordinates.get(kecamatan)

    def distance(self, here, kecamatan, desa=None):
        """Straight-line km from a place to another; None when either has no centroid."""
        if here == (kecamatan, desa):
            return 0.0
        a, b = self.coords(*here), self.coords(kecamatan, desa)
        if a is None or b is None:
            return None
        return haversine_km(a, b)

    def km(self, here, kecamatan, desa=None):
        d = self.distance(here, kecamatan, desa)
        return DEFAULT_TRAVEL_KM if d is None else d

    # Backlog.

    def kecamatan_left(self, kecamatan):
        return sum(self.left.get(kecamatan, {}).values())

    def places_of(self, kecamatan):
        """The kecamatan's places with backlog left, largest first, then by code."""
        return sorted(
            ((desa, n) for desa, n in self.left.get(kecamatan, {}).items() if n > 0),
            key=lambda item: (-item[1], item[0] or ""),
        )

    def take(self, kecamatan, desa_codes, count):
        """Take `count` from the backlog of these desa, else from the kecamatan's places."""
        places = self.left.get(kecamatan, {})
        keys = [d for d in desa_codes if d in places] or [d for d, _ in self.places_of(kecamatan)]
        for key in keys:
            taken = min(count, places[key])
            places[key] -= taken
            count -= taken

    def stops(self, kecamatan, first_desa=None):
        """The places one set works at in a day in a kecamatan, and the expected count:
        up to places_per_day of them, the largest backlog first (or `first_desa` first)."""
        places = self.places_of(kecamatan)
        if first_desa is not None:
            places.sort(key=lambda item: item[0] != first_desa)
        chosen, backlog = [], 0
        for desa, n in places[: max(self.data.places_per_day, 1)]:
            if backlog >= self.average:
                break
            chosen.append(desa)
            backlog += n
        return tuple(d for d in chosen if d is not None), min(self.average, backlog)

    # The plan.

    def run(self) -> Proposal:
        data = self.data
        booked_expected, booked = 0, {}
        for visit in sorted(data.booked, key=lambda v: (v.day, v.set_code)):
            places = self.left.get(visit.kecamatan, {})
            desa = (visit.desa,) if visit.desa in places and visit.desa else ()
            available = places.get(visit.desa, 0) if desa else self.kecamatan_left(visit.kecamatan)
            expected = 0 if visit.reported else min(self.average, available)
            self.take(visit.kecamatan, desa, expected)
            booked_expected += expected
            self.visited.add(visit.kecamatan)
            booked[visit.set_code, visit.day] = visit

        to_cover = self.to_cover(booked)
        visits = []
        for day in data.days:
            working = [s for s in data.sets if day in s.modes]
            working.sort(key=lambda s: (s.modes[day] != STATIONARY, s.code))
            for s in working:
                if (s.code, day) in booked:
                    self.position[s.code] = (
                        booked[s.code, day].kecamatan,
                        booked[s.code, day].desa,
                    )
                    continue
                visit = self.choose(s, day, to_cover)
                if visit is None:
                    continue
                visits.append(visit)
                self.take(visit.kecamatan, visit.desa, visit.expected)
                self.visited.add(visit.kecamatan)
                to_cover.discard(visit.kecamatan)
                self.position[s.code] = (visit.kecamatan, visit.desa[-1] if visit.desa else None)
        visits.sort(key=lambda v: (v.day, v.set_code))
        with_backlog = sorted({p.kecamatan for p in data.places if p.backlog > 0})
        return Proposal(
            visits=visits,
            promised=sum(v.expected for v in visits),
            booked_expected=booked_expected,
            backlog=self.backlog,
            left=sum(self.kecamatan_left(k) for k in self.left),
            unvisited=[k for k in with_backlog if k not in self.visited],
        )

    def to_cover(self, booked):
        """Kecamatan a mobile set must reach: with a backlog, not visited, and not the home
        of a stationary set that has a free working day in the period."""
        days = set(self.data.days)
        stationary_homes = {
            s.home_kecamatan
            for s in self.data.sets
            for day, mode in s.modes.items()
            if mode == STATIONARY and day in days and (s.code, day) not in booked
        }
        return {
            k
            for k in self.left
            if self.kecamatan_left(k) > 0 and k not in self.visited and k not in stationary_homes
        }

    def choose(self, s: PlanSet, day, to_cover) -> ProposedVisit | None:
        here = self.position[s.code]
        if s.modes[day] == STATIONARY:
            candidates = [s.home_kecamatan]
        elif to_cover:
            candidates = [min(to_cover, key=lambda k: (self.km(here, k), k))]
        else:
            candidates = sorted(self.left)
        best, best_score = None, None
        for kecamatan in candidates:
            desa, expected = self.stops(kecamatan, self.nearest_desa(here, kecamatan))
            if expected <= 0:
                continue
            score = expected - TRAVEL_COST_PER_KM * self.km(here, kecamatan, _first(desa))
            if best_score is None or score > best_score:
                best, best_score = (kecamatan, desa, expected), score
        if best is None:
            return None
        kecamatan, desa, expected = best
        return ProposedVisit(
            day=day,
            set_code=s.code,
            kecamatan=kecamatan,
            desa=desa,
            expected=expected,
            travel_km=_round(self.distance(here, kecamatan, _first(desa))),
            covers=kecamatan not in self.visited,
        )

    def nearest_desa(self, here, kecamatan):
        """Of a kecamatan's desa with backlog, the one to start at: the largest (None) when
        a visit's average cannot empty it, else the nearest, the day going on to the next."""
        places = [(d, n) for d, n in self.places_of(kecamatan) if d is not None]
        if not places or places[0][1] >= self.average:
            return None
        return min(places, key=lambda item: (self.km(here, kecamatan, item[0]), item[0]))[0]


def _first(desa):
    return desa[0] if desa else None


def _round(value):
    return None if value is None else round(value, 1)


# Gathering the input from the database: a fixed number of queries, whatever the size.


@dataclass
class CampaignProposal:
    """A campaign's proposal with what its page shows: names, the period, the sets."""

    proposal: Proposal
    data: PlannerInput
    first_day: datetime.date | None
    last_day: datetime.date | None
    to: str  # "target" or "extension"
    without: str | None  # the set left out, if any
    set_codes: list  # every set of the campaign, for the "without" choice
    kecamatan_names: dict
    desa_names: dict
    from_list: bool  # some backlog is placed by desa from the resident list
    average_known: bool  # the average comes from reports (else DEFAULT_PER_VISIT)

    def place_name(self, kecamatan, desa=()):
        name = self.kecamatan_names.get(kecamatan, kecamatan)
        if desa:
            return f"{' + '.join(self.desa_names.get(d, d) for d in desa)} ({name})"
        return name

    def site_name(self, visit: ProposedVisit):
        """What the accepted visit's site is called: its desa, or its kecamatan."""
        if visit.desa:
            return " + ".join(self.desa_names.get(d, d) for d in visit.desa)
        return self.kecamatan_names.get(visit.kecamatan, visit.kecamatan)


def campaign_proposal(*, progress, to: str = "target", without: str | None = None):
    """The proposal for a campaign from the day after `progress.as_of` to its target date
    (`to="extension"`: its extension date), leaving out the set coded `without` (broken down:
    its booked visits in the period are taken not to happen)."""
    campaign, as_of = progress.campaign, progress.as_of
    last = campaign.extension_date if to == "extension" and campaign.extension_date else None
    last = last or campaign.target_date
    to = "extension" if last != campaign.target_date else "target"
    first = as_of + datetime.timedelta(days=1)
    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]

    devices = campaign_devices(campaign, first)
    set_codes = [d.code for d in devices]
    kept = [d for d in devices if d.code != without]
    history = StateHistory(kept, last)
    sets = []
    for device in kept:
        modes = {}
        for day in days:
            state = history.on(device.pk, day)
            if state and state[1] == DeviceState.Condition.WORKING:
                modes[day] = state[0]
        sets.append(PlanSet(device.code, device.home_kecamatan_id, modes))

    booked = _booked(campaign, kept, as_of, last)
    kecamatan = list(
        campaign.kabupaten.kecamatan.order_by("code").values_list("code", "name", "lat", "lng")
    )
    places, desa_names, coordinates = _places(campaign, progress)
    coordinates |= {code: (lat, lng) for code, _, lat, lng in kecamatan if lat is not None}
    average = progress.per_device_daily_rate
    data = PlannerInput(
        days=days,
        sets=sets,
        places=places,
        average_per_visit=average if average else DEFAULT_PER_VISIT,
        booked=booked,
        coordinates=coordinates,
    )
    return CampaignProposal(
        proposal=propose(data),
        data=data,
        first_day=days[0] if days else None,
        last_day=last,
        to=to,
        without=without if without in set_codes else None,
        set_codes=set_codes,
        kecamatan_names={code: name for code, name, _, _ in kecamatan},
        desa_names=desa_names,
        from_list=any(p.desa for p in places),
        average_known=bool(average),
    )


def _booked(campaign, devices, as_of, last):
    """Visits from as_of to `last`: the campaign's, and the sets' visits for other campaigns
    (the set is away). A visit of as_of already reported covers its kecamatan, as on the
    dashboard, but its count is in the backlog already. One query."""
    rows = (
        Visit.objects.filter(device__in=devices, date__range=(as_of, last))
        .order_by("date", "device__code")
        .values_list("date", "device__code", "kecamatan_id", "desa_id", "campaign_id", "report__pk")
    )
    return [
        BookedVisit(
            day, code, kecamatan if campaign_id == campaign.pk else "", desa, report is not None
        )
        for day, code, kecamatan, desa, campaign_id, report in rows
    ]


def _places(campaign, progress):
    """Backlog left per place: the ledger says how many in each kecamatan (as the
    dashboard); where the resident list is imported it says in which desa. One query."""
    rows = (
        Resident.objects.filter(campaign=campaign, status=Resident.Status.UNRECORDED)
        .values_list("desa__kecamatan", "desa", "desa__name", "desa__lat", "desa__lng")
        .annotate(n=Count("pk"))
        .order_by("desa")
    )
    by_kecamatan, desa_names, coordinates = {}, {}, {}
    for kecamatan, desa, name, lat, lng, n in rows:
        by_kecamatan.setdefault(kecamatan, []).append((desa, n))
        desa_names[desa] = name
        if lat is not None:
            coordinates[desa] = (lat, lng)
    places = []
    for k in progress.kecamatan:
        listed = by_kecamatan.get(k.code, [])
        places.extend(PlanPlace(k.code, desa, n) for desa, n in _share(k.remaining, listed))
        rest = k.remaining - sum(n for _, n in listed)
        if rest > 0:  # more in the ledger than in the list: not placed in a desa
            places.append(PlanPlace(k.code, None, rest))
    return places, desa_names, coordinates


def _share(total, listed):
    """The list's desa counts, scaled down to `total` when the list holds more (residents
    recorded at reported visits but not yet marked in the list): floors, then the rest one
    by one in code order."""
    listed_total = sum(n for _, n in listed)
    if listed_total <= total:
        return listed
    shares = [(desa, n * total // listed_total) for desa, n in listed]
    rest = total - sum(n for _, n in shares)
    return [(desa, n + (1 if i < rest else 0)) for i, (desa, n) in enumerate(shares)]
