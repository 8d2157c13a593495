"""The numbers of DOMAIN.md §4 for one campaign on one day: one source for every page.

Every number comes from a fixed handful of grouped queries, whatever the campaign's size.
"""

import datetime
import math
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Max, Min, Q, Sum
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext

from campaigns.models import Campaign, Visit
from regions.models import Kecamatan
from reports.models import DailyReport
from residents.models import BacklogEntry

PACE_DAYS = 5  # the average is over the last five dates with reports
# A projection further away than ten years is no date anyone plans by (and a slow enough pace
# would run past the calendar's end, 31/12/9999): it is given as "none" instead.
PROJECTION_HORIZON_DAYS = 3_653
# Below this many dates with reports, their spread says too little to give the projection a
# range (two dates give one difference): the range is left out, and the pages say why.
RANGE_MIN_DAYS = 3


class Status:
    DONE = "done"
    ON_TRACK = "on_track"
    NEEDS_EXTENSION = "needs_extension"
    OFF_TRACK = "off_track"


@dataclass
class KecamatanProgress:
    code: str
    name: str
    target: int
    recorded: int
    remaining: int
    last_visit: datetime.date | None
    next_visit: datetime.date | None
    coverage_gap: bool  # backlog left and no visit scheduled from as_of to the target date

    @property
    def percent_recorded(self):
        return percent_of(self.recorded, self.target)


@dataclass
class MissingReport:
    visit_id: int
    date: datetime.date
    device: str
    kecamatan: str
    desa: str | None


@dataclass
class Progress:
    campaign: Campaign
    as_of: datetime.date
    target: int
    recorded: int
    remaining: int
    percent_recorded: float | None
    average_daily_recorded: float | None
    per_device_daily_rate: float | None
    days_left_to_target: int
    days_left_to_extension: int | None
    required_daily_rate: float | None
    required_daily_rate_extension: float | None
    projected_completion_date: datetime.date | None
    devices_needed: int | None
    devices_needed_extension: int | None
    status: str
    missing_reports: list[MissingReport]
    kecamatan: list[KecamatanProgress]
    last_report_at: datetime.datetime | None
    daily_totals: list[tuple[datetime.date, int, int]] = field(default_factory=list)
    # The range the projected end may fall in (projected_range); None when unknown, and the
    # latest also when the slow end of the range is beyond PROJECTION_HORIZON_DAYS.
    projected_completion_earliest: datetime.date | None = None
    projected_completion_latest: datetime.date | None = None
    # Reports counted above that were flagged (a count confirmed against a rule) and await an
    # admin's review.
    flagged_reports: int = 0

    @property
    def range_min_days(self) -> int:
        return RANGE_MIN_DAYS

    @property
    def too_few_days_for_range(self) -> bool:
        return len(self.daily_totals) < RANGE_MIN_DAYS

    @property
    def pace_days(self) -> int:
        """How many dates the pace averages."""
        return min(len(self.daily_totals), PACE_DAYS)

    @property
    def average_daily_error(self) -> float | None:
        """The pace's standard error, rounded: the ± of the range."""
        return _round(pace_error(self.daily_totals))

    def as_json(self):
        """The JSON of DOMAIN.md §6: dates ISO, rates as numbers, unknowns null."""
        campaign = self.campaign
        return {
            "campaign": campaign.slug,
            "name": campaign.name,
            "start_date": campaign.start_date,
            "target_date": campaign.target_date,
            "extension_date": campaign.extension_date,
            "election_date": campaign.election_date,
            "as_of": self.as_of,
            "target": self.target,
            "recorded": self.recorded,
            "remaining": self.remaining,
            "percent_recorded": self.percent_recorded,
            "average_daily_recorded": self.average_daily_recorded,
            "per_device_daily_rate": self.per_device_daily_rate,
            "days_left_to_target": self.days_left_to_target,
            "days_left_to_extension": self.days_left_to_extension,
            "required_daily_rate": self.required_daily_rate,
            "required_daily_rate_extension": self.required_daily_rate_extension,
            "projected_completion_date": self.projected_completion_date,
            "projected_completion_earliest": self.projected_completion_earliest,
            "projected_completion_latest": self.projected_completion_latest,
            "devices_needed": self.devices_needed,
            "devices_needed_extension": self.devices_needed_extension,
            "status": self.status,
            "last_report_at": self.last_report_at,
            "missing_reports": [asdict(m) for m in self.missing_reports],
            "kecamatan": [
                {
                    "code": k.code,
                    "name": k.name,
                    "target": k.target,
                    "recorded": k.recorded,
                    "remaining": k.remaining,
                    "last_visit": k.last_visit,
                    "next_visit": k.next_visit,
                    "coverage_gap": k.coverage_gap,
                }
                for k in self.kecamatan
            ],
        }


def campaign_progress(*, campaign: Campaign, as_of: datetime.date) -> Progress:
    """Where the campaign stands on `as_of`, and what it would take to finish in time."""
    return campaigns_progress(campaigns=[campaign], as_of=as_of)[0]


def campaigns_progress(*, campaigns, as_of: datetime.date) -> list[Progress]:
    """campaign_progress for many campaigns at once (a province's roll-up), in the order
    given: the same seven grouped queries whatever the number of campaigns."""
    campaigns = list(campaigns)
    if not campaigns:
        return []
    ids = [c.pk for c in campaigns]
    kecamatan = _kecamatan_progress(campaigns, as_of)
    daily = _daily_totals(ids, as_of)
    missing = _missing_reports(ids, as_of)
    reports = _reports_summary(ids, as_of)
    return [
        _progress(
            campaign,
            as_of,
            kecamatan=kecamatan[campaign.pk],
            daily=daily.get(campaign.pk, []),
            missing=missing.get(campaign.pk, []),
            reports=reports.get(campaign.pk, (None, 0)),
        )
        for campaign in campaigns
    ]


def _progress(campaign, as_of, *, kecamatan, daily, missing, reports) -> Progress:
    target = sum(k.target for k in kecamatan)
    recorded = sum(k.recorded for k in kecamatan)
    remaining = max(target - recorded, 0)

    average, per_device = pace(daily)
    days_to_target = _days_left(as_of, campaign.target_date)
    days_to_extension = (
        _days_left(as_of, campaign.extension_date) if campaign.extension_date else None
    )
    required = remaining / days_to_target if days_to_target else None
    required_extension = remaining / days_to_extension if days_to_extension else None
    projected = projected_completion(as_of, remaining, average)
    earliest, latest = projected_range(as_of, remaining, daily)
    last_report_at, flagged = reports
    return Progress(
        campaign=campaign,
        as_of=as_of,
        target=target,
        recorded=recorded,
        remaining=remaining,
        percent_recorded=percent_of(recorded, target),
        average_daily_recorded=_round(average),
        per_device_daily_rate=_round(per_device),
        days_left_to_target=days_to_target,
        days_left_to_extension=days_to_extension,
        required_daily_rate=_round(required),
        required_daily_rate_extension=_round(required_extension),
        projected_completion_date=projected,
        devices_needed=sets_for_rate(required, per_device),
        devices_needed_extension=sets_for_rate(required_extension, per_device),
        status=status_for(campaign, remaining, projected),
        missing_reports=missing,
        kecamatan=kecamatan,
        last_report_at=last_report_at,
        flagged_reports=flagged,
        daily_totals=daily,
        projected_completion_earliest=earliest,
        projected_completion_latest=latest,
    )


def sets_for_rate(required_daily_rate, per_device_daily_rate) -> int | None:
    """The sets it takes to record `required_daily_rate` a day at one set's daily rate:
    ceil(required / per set); None when either is unknown. The one home of "sets needed":
    to the target date and to the extension alike.

    Give it the unrounded rates: rounding first could tip the count at the edge.
    """
    if required_daily_rate is None or not per_device_daily_rate:
        return None
    return math.ceil(required_daily_rate / per_device_daily_rate)


def pace(daily_totals) -> tuple[float | None, float | None]:
    """(recorded a day, recorded a set a day), unrounded, over the last PACE_DAYS dates with
    reports: the dates' mean, and what they recorded divided by their reported visits."""
    days = daily_totals[:PACE_DAYS]
    total = sum(recorded for _, recorded, _ in days)
    visits = sum(n for _, _, n in days)
    return (total / len(days) if days else None, total / visits if visits else None)


def projected_completion(as_of, remaining, daily_rate) -> datetime.date | None:
    """as_of + ceil(remaining / daily_rate) days; as_of when done; None with no pace, or
    when that is more than PROJECTION_HORIZON_DAYS away or past the calendar's end."""
    if remaining <= 0:
        return as_of
    # Compared before dividing: a tiny rate would give a number of days no date can hold.
    if not daily_rate or daily_rate <= 0 or remaining > daily_rate * PROJECTION_HORIZON_DAYS:
        return None
    end = add_days(as_of, math.ceil(remaining / daily_rate))
    return None if end in (datetime.date.min, datetime.date.max) else end


def pace_error(daily_totals) -> float | None:
    """The standard error of the pace: the sample standard deviation of every daily total so
    far divided by the square root of the number of dates the pace averages (the last
    PACE_DAYS). None with fewer than RANGE_MIN_DAYS dates with reports."""
    if len(daily_totals) < RANGE_MIN_DAYS:
        return None
    spread = statistics.stdev(recorded for _, recorded, _ in daily_totals)
    return spread / math.sqrt(min(len(daily_totals), PACE_DAYS))


def projected_range(
    as_of, remaining, daily_totals
) -> tuple[datetime.date | None, datetime.date | None]:
    """(earliest, latest): the projected end at the pace plus, and minus, its standard error
    (pace_error), so the projection always lies within it. (None, None) when the spread is
    unknown; the latest is None when the slow pace is 0 or below, or ends too far away."""
    average, _ = pace(daily_totals)
    error = pace_error(daily_totals)
    if average is None or error is None:
        return None, None
    return (
        projected_completion(as_of, remaining, average + error),
        projected_completion(as_of, remaining, average - error),
    )


def add_days(day: datetime.date, days: int) -> datetime.date:
    """day + days, held at the calendar's ends (1/1/1 and 31/12/9999) rather than raising."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def _kecamatan_progress(campaigns, as_of):
    """Each kecamatan of each campaign's kabupaten, by campaign: four grouped queries in all."""
    ids = [c.pk for c in campaigns]
    targets = {
        (campaign, kecamatan): total
        for campaign, kecamatan, total in BacklogEntry.objects.filter(campaign__in=ids)
        .up_to(as_of)
        .values_list("campaign", "kecamatan")
        .annotate(total=Sum("change"))
        .order_by()
    }
    recorded = {
        (campaign, kecamatan): total
        for campaign, kecamatan, total in DailyReport.objects.filter(visit__campaign__in=ids)
        .up_to(as_of)
        .values_list("visit__campaign", "visit__kecamatan")
        .annotate(total=Sum("recorded_count"))
        .order_by()
    }
    visits = {
        (row["campaign"], row["kecamatan"]): row
        for row in Visit.objects.filter(campaign__in=ids)
        .values("campaign", "kecamatan")
        .annotate(
            last=Max("date", filter=Q(date__lte=as_of)),
            next=Min("date", filter=Q(date__gt=as_of)),
            # A visit on as_of itself still covers the kecamatan: it may not be reported yet.
            coming=Min("date", filter=Q(date__gte=as_of)),
        )
        .order_by()
    }
    regions = defaultdict(list)
    for kabupaten, code, name in (
        Kecamatan.objects.filter(kabupaten__in={c.kabupaten_id for c in campaigns})
        .order_by("code")
        .values_list("kabupaten", "code", "name")
    ):
        regions[kabupaten].append((code, name))
    by_campaign = {}
    for campaign in campaigns:
        rows = []
        for code, name in regions[campaign.kabupaten_id]:
            key = (campaign.pk, code)
            target, done = targets.get(key, 0), recorded.get(key, 0)
            visit = visits.get(key, {})
            remaining = max(target - done, 0)
            rows.append(
                KecamatanProgress(
                    code=code,
                    name=name,
                    target=target,
                    recorded=done,
                    remaining=remaining,
                    last_visit=visit.get("last"),
                    next_visit=visit.get("next"),
                    coverage_gap=remaining > 0
                    and (visit.get("coming") is None or visit["coming"] > campaign.target_date),
                )
            )
        by_campaign[campaign.pk] = rows
    return by_campaign


def _daily_totals(ids, as_of):
    """By campaign: (date, recorded, reported visits) for every date up to as_of with
    reports, newest first."""
    daily = defaultdict(list)
    for campaign, day, total, visits in (
        DailyReport.objects.filter(visit__campaign__in=ids)
        .up_to(as_of)
        .values_list("visit__campaign", "visit__date")
        .annotate(total=Sum("recorded_count"), visits=Count("pk"))
        .order_by("-visit__date")
    ):
        daily[campaign].append((day, total, visits))
    return daily


def unreported_before(visits, day):
    """The visits dated before `day` without a report: late data. The one home of "late", for
    the progress, the late-reports page and the reminders alike."""
    return visits.filter(date__lt=day, report__isnull=True)


def _missing_reports(ids, as_of):
    visits = (
        unreported_before(Visit.objects.filter(campaign__in=ids), as_of)
        .with_place()
        .order_by("date", "kecamatan__name", "device__code")
    )
    missing = defaultdict(list)
    for v in visits:
        missing[v.campaign_id].append(
            MissingReport(
                visit_id=v.pk,
                date=v.date,
                device=v.device.code,
                kecamatan=v.kecamatan.name,
                desa=v.desa.name if v.desa_id else None,
            )
        )
    return missing


def _reports_summary(ids, as_of):
    """Per campaign: (when the last report was saved, how many reports await review)."""
    rows = (
        DailyReport.objects.filter(visit__campaign__in=ids)
        .up_to(as_of)
        .values_list("visit__campaign")
        .annotate(last=Max("updated_at"), flagged=Count("pk", filter=Q(needs_review=True)))
        .order_by()
    )
    return {campaign: (last, flagged) for campaign, last, flagged in rows}


def status_for(campaign, remaining, projected):
    if remaining == 0:
        return Status.DONE
    if projected is None:
        return Status.OFF_TRACK
    if projected <= campaign.target_date:
        return Status.ON_TRACK
    if campaign.extension_date and projected <= campaign.extension_date:
        return Status.NEEDS_EXTENSION
    return Status.OFF_TRACK


def _days_left(as_of, deadline):
    """Calendar days after as_of up to the deadline, 0 when it has passed."""
    return max((deadline - as_of).days, 0)


def percent_of(part, whole):
    """part / whole × 100, rounded to 2 places; None when whole is 0."""
    return _round(part / whole * 100) if whole else None


def _round(value):
    return None if value is None else round(value, 2)


def status_sentence(progress: Progress) -> str:
    """What an official reads aloud: will it be done in time, and if not, what it would take."""
    p, campaign = progress, progress.campaign
    values = {
        "target": number_format(p.target, force_grouping=True),
        "remaining": number_format(p.remaining, force_grouping=True),
        "average": number_format(round(p.average_daily_recorded or 0), force_grouping=True),
        "required": number_format(round(p.required_daily_rate or 0), force_grouping=True),
        "devices": p.devices_needed,
        "projected": _date(p.projected_completion_date),
        "target_date": _date(campaign.target_date),
        "extension_date": _date(campaign.extension_date),
        "election_date": _date(campaign.election_date),
    }
    if p.status == Status.DONE:
        return gettext("Recording is complete: the backlog of %(target)s is recorded.") % values
    if p.days_left_to_target == 0:
        sentence = gettext(
            "The target date %(target_date)s has passed with %(remaining)s still unrecorded."
        )
    elif p.projected_completion_date is None and p.average_daily_recorded is None:
        sentence = gettext(
            "No reports yet, so there is no pace to forecast from. "
            "Finishing %(remaining)s by %(target_date)s takes %(required)s a day."
        )
    elif p.projected_completion_date is None:  # beyond PROJECTION_HORIZON_DAYS
        sentence = gettext(
            "At the current pace of %(average)s a day, recording would not be done within "
            "ten years."
        )
    elif p.status == Status.ON_TRACK:
        sentence = gettext(
            "At the current pace of %(average)s a day, recording ends on %(projected)s, "
            "in time for the target date %(target_date)s."
        )
    elif p.status == Status.NEEDS_EXTENSION:
        sentence = gettext(
            "At the current pace of %(average)s a day, recording ends on %(projected)s: "
            "after the target date %(target_date)s, within the extension to %(extension_date)s."
        )
    elif p.projected_completion_date > campaign.election_date:
        sentence = gettext(
            "At the current pace of %(average)s a day, recording ends on %(projected)s, "
            "after the election on %(election_date)s."
        )
    else:
        sentence = gettext(
            "At the current pace of %(average)s a day, recording ends on %(projected)s, "
            "after the last deadline."
        )
    parts = [sentence % values, _range_crossing(p)]
    if p.status != Status.ON_TRACK and p.devices_needed:
        devices = ngettext(
            "To finish by %(target_date)s, %(required)s a day would be needed "
            "(%(devices)s set in all).",
            "To finish by %(target_date)s, %(required)s a day would be needed "
            "(%(devices)s sets in all).",
            p.devices_needed,
        )
        parts.append(devices % values)
    return " ".join(part for part in parts if part)


def _range_crossing(p: Progress) -> str:
    """ "Likely between … and …" when the projection's range spans a deadline (the target date
    or the extension): the projection alone would sound more certain than the pace is."""
    earliest, latest = p.projected_completion_earliest, p.projected_completion_latest
    if earliest is None:
        return ""
    campaign = p.campaign

    def spans(deadline):
        return (
            deadline is not None and earliest <= deadline and (latest is None or latest > deadline)
        )

    target, extension = spans(campaign.target_date), spans(campaign.extension_date)
    if target and extension:
        sentence = gettext(
            "Given how the daily totals vary, recording likely ends %(range)s: either side "
            "of the target date %(target_date)s and of the extension to %(extension_date)s."
        )
    elif target:
        sentence = gettext(
            "Given how the daily totals vary, recording likely ends %(range)s: either side "
            "of the target date %(target_date)s."
        )
    elif extension:
        sentence = gettext(
            "Given how the daily totals vary, recording likely ends %(range)s: either side "
            "of the extension to %(extension_date)s."
        )
    else:
        return ""
    if latest is None:
        span = gettext("on %(earliest)s or later, perhaps not within ten years")
    else:
        span = gettext("between %(earliest)s and %(latest)s")
    span %= {"earliest": _date(earliest), "latest": _date(latest)}
    return sentence % {
        "range": span,
        "target_date": _date(campaign.target_date),
        "extension_date": _date(campaign.extension_date),
    }


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""
