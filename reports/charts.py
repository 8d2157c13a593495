"""The dashboard's charts, drawn on the server as small inline SVG.

No JavaScript and nothing from a CDN: the pages must print, and load on a weak phone signal.
Drawn here rather than with pygal, measured on the demo (23 January): pygal's three charts
weigh 21–25 kB each, 69 kB in all (8 kB of CSS a chart, and an inline <script> of 4 kB even
with `js=[]`, which would have to be cut out), take about 5 ms each, and cannot draw the
deadlines as vertical lines; these weigh 14 kB in all (3.5–6.5 kB each) and take 1.5–2.5 ms.
Each has a fixed viewBox and width 100%, so it fits a 360-pixel phone, a <title> and <desc>
for screen readers, and a <title> on each bar and point (the browser's tooltip).

The data comes from the Progress of `reports.progress` plus one grouped query (per set and
date), so the pages' query count does not grow with the campaign.
"""

import datetime
import math
import re
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from reports.models import DailyReport
from reports.progress import KecamatanProgress, Progress, add_days

# The projection is drawn up to two weeks past the election: far enough to show by how much
# it misses, short enough that a campaign with little pace keeps a readable axis.
PROJECTION_DAYS_AFTER_ELECTION = 14

WIDTH = 360  # viewBox units: about one unit a pixel on a 360-pixel phone
FONT = 11
# The site's colours; lines also differ by their dashes, for a grey printer.
BLUE = "#0b4f8a"
GREEN = "#1e7b34"
RED = "#b3261e"
BROWN = "#8a6100"
GREY = "#d5d9de"
INK = "#1b1f24"
PALETTE = [BLUE, "#e07b00", "#5b8c2a", "#8e44ad", "#2a9d8f", RED, BROWN, "#5b6470"]


# The data ---------------------------------------------------------------------------------


@dataclass
class Cumulative:
    start: datetime.date
    end: datetime.date  # the last date on the x axis
    target: int
    recorded: list[tuple[datetime.date, int]]  # every date from the start to as_of, cumulative
    reported_dates: set[datetime.date]
    projection: list[tuple[datetime.date, float]]  # none, or from as_of to where it ends
    projected_end: datetime.date | None
    needed: list[tuple[datetime.date, float]]  # none, or from as_of to (target date, target)
    deadlines: list[tuple[datetime.date, str, str, str | None]]  # date, label, colour, dashes


def cumulative_data(progress: Progress) -> Cumulative:
    """Recorded so far against the target, where the current pace leads, and the deadlines."""
    p, campaign = progress, progress.campaign
    start, as_of = campaign.start_date, p.as_of
    cap = add_days(campaign.election_date, PROJECTION_DAYS_AFTER_ELECTION)
    end = max(campaign.last_day, campaign.election_date, min(as_of, cap))
    if p.projected_completion_date:
        end = max(end, min(p.projected_completion_date, cap))

    per_day = {day: total for day, total, _ in p.daily_totals}
    recorded, running = [], 0
    for day in _dates(start, min(as_of, end)):
        running += per_day.get(day, 0)
        recorded.append((day, running))

    projection, needed = [], []
    if p.remaining and as_of < end:
        here = (as_of, p.recorded)
        finish = p.projected_completion_date
        if finish and finish <= end:
            projection = [here, (finish, p.target)]
        elif p.average_daily_recorded:
            projection = [here, (end, p.recorded + p.average_daily_recorded * (end - as_of).days)]
        if p.days_left_to_target:
            needed = [here, (campaign.target_date, p.target)]

    deadlines = [(campaign.target_date, gettext("Target date"), BROWN, "5 3")]
    if campaign.extension_date:
        deadlines.append((campaign.extension_date, gettext("Extension"), BROWN, "1 2"))
    deadlines.append((campaign.election_date, gettext("Election"), RED, None))
    return Cumulative(
        start=start,
        end=end,
        target=p.target,
        recorded=recorded,
        reported_dates=set(per_day),
        projection=projection,
        projected_end=p.projected_completion_date if p.remaining else None,
        needed=needed,
        deadlines=deadlines,
    )


@dataclass
class Daily:
    dates: list[datetime.date]
    devices: list[str]
    counts: dict[tuple[datetime.date, str], int]
    required: float | None  # needed a day to finish by the target date

    def total(self, day):
        return sum(self.counts.get((day, device), 0) for device in self.devices)


def daily_data(progress: Progress) -> Daily:
    """What each set recorded on each date up to as_of: one grouped query."""
    campaign, as_of = progress.campaign, progress.as_of
    rows = (
        DailyReport.objects.filter(visit__campaign=campaign)
        .up_to(as_of)
        .values("visit__date", "visit__device__code")
        .annotate(total=Sum("recorded_count"))
        .order_by()
    )
    counts = {(row["visit__date"], row["visit__device__code"]): row["total"] for row in rows}
    days = set(_dates(campaign.start_date, min(as_of, campaign.last_day)))
    days.update(day for day, _ in counts)
    return Daily(
        dates=sorted(days),
        devices=sorted({device for _, device in counts}),
        counts=counts,
        required=progress.required_daily_rate if progress.remaining else None,
    )


def remaining_data(progress: Progress) -> list[KecamatanProgress]:
    """The kecamatan, most left to record first."""
    return sorted(progress.kecamatan, key=lambda k: (-k.remaining, k.name))


# The charts -------------------------------------------------------------------------------


def dashboard_charts(progress: Progress) -> dict[str, SafeString]:
    return {
        "cumulative": cumulative_chart(progress),
        "daily": daily_chart(progress),
        "remaining": remaining_chart(progress),
    }


def cumulative_chart(progress: Progress, *, width=WIDTH, height=250) -> SafeString:
    data = cumulative_data(progress)
    legend = [(gettext("Recorded"), BLUE, None, 2.5), (gettext("Target"), INK, None, 1)]
    if data.projection:
        legend.append((gettext("Projection at the current pace"), BLUE, "6 4", 2))
    if data.needed:
        legend.append((gettext("Needed to finish by the target date"), GREEN, "2 3", 1.5))
    parts, top = _legend(legend, width)
    box = _Box(left=44, top=top + 10, right=width - 14, bottom=height - 22)
    days = max((data.end - data.start).days, 1)

    def x(day):
        return box.left + min(max((day - data.start).days, 0), days) / days * box.width

    highest = max([data.target, 1] + [value for _, value in data.recorded])
    ticks = _ticks(highest * 1.08)

    def y(value):
        return box.bottom - min(value, ticks[-1]) / ticks[-1] * box.height

    parts += _y_axis(box, ticks, y)
    for day in _dates(data.start, data.end, step=7):
        parts.append(_text(x(day), box.bottom + 14, _day_month(day), anchor="middle"))
    for day, label, colour, dashes in data.deadlines:
        if data.start <= day <= data.end:
            parts.append(_line(x(day), box.top, x(day), box.bottom, colour, 1, dashes))
            text = f"{label} {_day_month(day)}"
            parts.append(
                _text(x(day) - 3, box.top + 2, text, anchor="end", fill=colour, rotate=True)
            )
    target_y = y(data.target)
    parts.append(_line(box.left, target_y, box.right, target_y, INK, 1))
    target_label = gettext("Target %(number)s") % {"number": _number(data.target)}
    parts.append(_text(box.left + 4, target_y - 4, target_label))
    if data.needed:
        parts.append(_polyline([(x(d), y(v)) for d, v in data.needed], GREEN, 1.5, "2 3"))
    if data.projection:
        title = (
            gettext("Projection at the current pace: the target is reached on %(date)s")
            % {"date": _date(data.projected_end)}
            if data.projected_end
            else gettext("Projection at the current pace")
        )
        parts.append(
            _polyline([(x(d), y(v)) for d, v in data.projection], BLUE, 2, "6 4", title=title)
        )
        (last_day, last_value) = data.projection[-1]
        if last_day == data.projected_end:
            parts.append(_el("circle", cx=x(last_day), cy=y(last_value), r=3, fill=BLUE))
        label = _day_month(data.projected_end) if data.projected_end else ""
        if last_day != data.projected_end and data.projected_end:
            label = "→ " + label  # ends beyond the axis
        if label:
            parts.append(
                _text(x(last_day), y(last_value) - 6, label, anchor="end", fill=BLUE, bold=True)
            )
    if data.recorded:
        parts.append(_polyline([(x(d), y(v)) for d, v in data.recorded], BLUE, 2.5))
        for day, value in data.recorded:
            if day in data.reported_dates:
                title = gettext("%(date)s: %(number)s recorded in all") % {
                    "date": _date(day),
                    "number": _number(value),
                }
                parts.append(
                    _el("circle", _el("title", title), cx=x(day), cy=y(value), r=2.5, fill=BLUE)
                )
        last_day, last_value = data.recorded[-1]
        parts.append(
            _text(x(last_day) + 4, y(last_value) - 6, _number(last_value), fill=BLUE, bold=True)
        )
    title = gettext("Recorded against the target")
    desc = gettext(
        "%(recorded)s recorded by %(as_of)s of a target of %(target)s; "
        "the target date is %(target_date)s."
    ) % {
        "recorded": _number(progress.recorded),
        "as_of": _date(progress.as_of),
        "target": _number(progress.target),
        "target_date": _date(progress.campaign.target_date),
    }
    if data.projected_end and data.projection:
        desc += " " + gettext("At the current pace the target is reached on %(date)s.") % {
            "date": _date(data.projected_end)
        }
    return _svg("chart-cumulative", width, height, title, desc, parts)


def daily_chart(progress: Progress, *, width=WIDTH, height=220) -> SafeString:
    data = daily_data(progress)
    colours = {device: PALETTE[i % len(PALETTE)] for i, device in enumerate(data.devices)}
    legend = [(device, colours[device], "block", 0) for device in data.devices]
    if data.required:
        legend.append((gettext("Needed a day"), RED, "5 3", 1.5))
    parts, top = _legend(legend, width)
    box = _Box(left=44, top=top + 14, right=width - 10, bottom=height - 22)
    totals = [data.total(day) for day in data.dates]
    ticks = _ticks(max(totals + [data.required or 0, 1]) * 1.08)

    def y(value):
        return box.bottom - min(value, ticks[-1]) / ticks[-1] * box.height

    parts += _y_axis(box, ticks, y)
    slot = box.width / max(len(data.dates), 1)
    bar = max(slot * 0.7, 1)
    every = math.ceil(len(data.dates) / 8) or 1
    for i, day in enumerate(data.dates):
        left, base = box.left + i * slot + (slot - bar) / 2, 0
        for device in data.devices:
            count = data.counts.get((day, device), 0)
            if count:
                title = f"{device}, {_date(day)}: {_number(count)}"
                parts.append(
                    _el(
                        "rect",
                        _el("title", title),
                        x=left,
                        y=y(base + count),
                        width=bar,
                        height=y(base) - y(base + count),
                        fill=colours[device],
                    )
                )
                base += count
        if base and len(data.dates) <= 16:
            parts.append(_text(left + bar / 2, y(base) - 3, _number(base), anchor="middle", size=9))
        if i % every == 0:
            parts.append(_text(left + bar / 2, box.bottom + 14, _day_month(day), anchor="middle"))
    if data.required:
        needed_y = y(data.required)
        parts.append(_line(box.left, needed_y, box.right, needed_y, RED, 1.5, "5 3"))
        label = gettext("Needed a day: %(number)s") % {"number": _number(round(data.required))}
        parts.append(_text(box.right, needed_y - 4, label, anchor="end", fill=RED))
    if not any(totals):
        parts.append(
            _text(
                box.left + box.width / 2,
                box.top + box.height / 2,
                gettext("No reports yet."),
                anchor="middle",
            )
        )
    title = gettext("Recorded a day per set")
    desc = "; ".join(
        f"{_date(day)}: {_number(total)}" for day, total in zip(data.dates, totals, strict=True)
    )
    return _svg("chart-daily", width, height, title, desc, parts)


def remaining_chart(progress: Progress, *, width=WIDTH) -> SafeString:
    rows = remaining_data(progress)
    gaps = any(k.coverage_gap for k in rows)
    legend = [(gettext("Remaining"), BLUE, "block", 0)]
    if gaps:
        legend.append((gettext("No visit planned before the target date"), RED, "block", 0))
    parts, top = _legend(legend, width)
    row_height, names = 16, 124
    first = top + 8
    height = first + max(len(rows), 1) * row_height + 6
    longest = max([k.remaining for k in rows] + [1])
    span = width - names - 44
    for i, k in enumerate(rows):
        row_y = first + i * row_height
        name = k.name if len(k.name) <= 20 else k.name[:19] + "…"
        parts.append(_text(names - 4, row_y + 11.5, name, anchor="end"))
        length = k.remaining / longest * span
        title = gettext("%(name)s: %(remaining)s of %(target)s remaining") % {
            "name": k.name,
            "remaining": _number(k.remaining),
            "target": _number(k.target),
        }
        if k.coverage_gap:
            title += " · " + gettext("No visit planned before the target date")
        parts.append(
            _el(
                "rect",
                _el("title", title),
                x=names,
                y=row_y + 2,
                width=max(length, 0.5),
                height=row_height - 4,
                fill=RED if k.coverage_gap else BLUE,
            )
        )
        parts.append(_text(names + length + 4, row_y + 11.5, _number(k.remaining)))
    if not rows:
        parts.append(_text(width / 2, first + 12, gettext("No kecamatan."), anchor="middle"))
    title = gettext("Remaining per kecamatan")
    desc = "; ".join(f"{k.name}: {_number(k.remaining)}" for k in rows)
    return _svg("chart-remaining", width, height, title, desc, parts)


# Drawing ----------------------------------------------------------------------------------


@dataclass
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self):
        return self.right - self.left

    @property
    def height(self):
        return self.bottom - self.top


def _svg(name, width, height, title, desc, parts):
    """The chart: shapes first, then every label above them in one group with a white halo."""
    shapes = [part for part in parts if not part.startswith("<text")]
    labels = [part for part in parts if part.startswith("<text")]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" width="100%"'
        ' role="img" aria-labelledby="{}-title {}-desc" font-family="system-ui, sans-serif"'
        ' font-size="{}" fill="{}"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '{}<g stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{}</g>'
        "</svg>",
        _fmt(width),
        _fmt(height),
        name,
        name,
        FONT,
        INK,
        name,
        title,
        name,
        desc,
        mark_safe("".join(shapes)),  # each part built by format_html, so escaped
        mark_safe("".join(labels)),
    )


def _el(tag, content=None, **attrs):
    """An SVG element, its attribute values and its content escaped. Built with plain strings:
    a chart has hundreds of them, and format_html per attribute was most of a page's time."""
    attributes = "".join(
        f' {k.replace("_", "-")}="{escape(_fmt(v))}"' for k, v in attrs.items() if v is not None
    )
    if content is None:
        return mark_safe(f"<{tag}{attributes}/>")
    return mark_safe(f"<{tag}{attributes}>{conditional_escape(content)}</{tag}>")


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return str(value)


def _line(x1, y1, x2, y2, stroke, width, dashes=None):
    return _el(
        "line",
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=stroke,
        stroke_width=width,
        stroke_dasharray=dashes,
    )


def _polyline(points, stroke, width, dashes=None, title=None):
    return _el(
        "polyline",
        _el("title", title) if title else None,
        points=" ".join(f"{_fmt(float(px))},{_fmt(float(py))}" for px, py in points),
        fill="none",
        stroke=stroke,
        stroke_width=width,
        stroke_dasharray=dashes,
        stroke_linejoin="round",
    )


def _text(x, y, text, *, anchor=None, fill=None, size=None, bold=False, rotate=False):
    """A label; _svg draws them last, with a white halo, readable over lines and bars."""
    return _el(
        "text",
        text,
        x=x,
        y=y,
        text_anchor=anchor,
        fill=fill,
        font_size=size,
        font_weight="bold" if bold else None,
        transform=f"rotate(-90 {_fmt(float(x))} {_fmt(float(y))})" if rotate else None,
    )


def _legend(items, width):
    """Legend entries (label, colour, dashes or "block", line width) flowing over rows."""
    parts, x, y = [], 0.0, 12
    for label, colour, dashes, line_width in items:
        item_width = 22 + len(label) * 5.6 + 12
        if x and x + item_width > width:
            x, y = 0.0, y + 15
        if dashes == "block":
            parts.append(_el("rect", x=x, y=y - 8, width=14, height=9, fill=colour))
        else:
            parts.append(_line(x, y - 4, x + 16, y - 4, colour, line_width, dashes))
        parts.append(_text(x + 20, y, label, size=10))
        x += item_width
    return parts, y


def _y_axis(box, ticks, y):
    parts = []
    for tick in ticks:
        parts.append(_line(box.left, y(tick), box.right, y(tick), GREY, 1))
        parts.append(_text(box.left - 4, y(tick) + 4, _number(tick), anchor="end", size=10))
    return parts


def _ticks(highest):
    """0 and round steps up to at least `highest`: about five lines."""
    raw = highest / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(
        m * magnitude
        for m in (1, 2, 2.5, 5, 10)
        if raw <= m * magnitude and (m * magnitude) == int(m * magnitude)
    )
    step = int(step)
    return list(range(0, math.ceil(highest / step) * step + 1, step))


def _dates(first, last, step=1):
    """Every `step`th date from first to last, by ordinal: no overflow at the calendar's end."""
    return [
        datetime.date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1, step)
    ]


def _number(value):
    return number_format(value, force_grouping=True)


def _date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _day_month(value):
    """The short date of the current language without its year: 23/01, or 01/23 in English."""
    fmt = re.sub(r"^[yY][^a-zA-Z]*|[^a-zA-Z]*[yY]$", "", get_format("SHORT_DATE_FORMAT"))
    return date_format(value, fmt)
