"""Maps of a campaign's kabupaten and of a province, drawn on the server as inline SVG.

Like the charts (reports/charts.py): no tile server, no JavaScript, nothing fetched, so a map
works offline, on a weak signal and on paper. The shapes are the regions' boundaries
(regions.models.Shape, GeoJSON [lng, lat], loaded by `import_wilayah`); a region without one
is left off the map and counted, so the page can say so.

Projection: equirectangular, longitudes scaled by the cosine of the mean latitude, fitted
into the viewBox. Over a kabupaten or a province (a few degrees) that is as good as any
projection at this size, and it needs no library. Coordinates are rounded to one decimal of a
viewBox unit and points closer than SIMPLIFY units to the last one kept are dropped: TTU's 24
kecamatan weigh about 10 kB (measured in tests/reports/test_maps.py).
"""

import datetime
import math
from dataclasses import dataclass, field

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from campaigns.models import Campaign, Visit
from regions.models import Kabupaten, Shape
from reports.charts import BLUE, BROWN, GREEN, INK, RED, _date, _el, _fmt, _number, _svg
from reports.forecast import STATUS_LABELS
from reports.progress import Progress, Status, add_days
from residents.nik import mask_niks_in_text

WIDTH = 480  # viewBox units; the map scales to its box (width 100%)
PAD = 6
SIMPLIFY = 0.7  # viewBox units: finer detail than this is below a pixel on a screen or A4
# Percent recorded in five steps of 20 (ColorBrewer "Blues", 5 classes): darker is further.
STEPS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
NO_BACKLOG = "#e3e6ea"  # nothing to record: no target
TODAY = "#e07b00"
EDGE = "#ffffff"


@dataclass
class Area:
    """One region on a map: its shape (None: left off), fill colour, tooltip and mark."""

    code: str
    name: str
    geometry: dict | None
    fill: str
    title: str
    mark: bool = False  # hatched in red and outlined: a coverage gap


@dataclass
class Point:
    lat: float
    lng: float
    title: str
    today: bool  # a filled dot today, a ring tomorrow


@dataclass
class LegendItem:
    label: str
    fill: str
    kind: str = "block"  # block, mark (hatched), today, tomorrow


@dataclass
class RegionMap:
    svg: SafeString  # empty when no region has a shape
    legend: SafeString  # an HTML list to show under the map
    shown: int  # regions drawn
    left_off: list[str] = field(default_factory=list)  # names of regions without a shape


# The maps ---------------------------------------------------------------------------------


def percent_fill(percent: float | None) -> str:
    """The colour of a percent recorded: one of five steps of 20, grey without a target."""
    if percent is None:
        return NO_BACKLOG
    return STEPS[min(int(percent // 20), len(STEPS) - 1)]


def percent_legend() -> list[LegendItem]:
    return [LegendItem(f"{i * 20}–{(i + 1) * 20}%", colour) for i, colour in enumerate(STEPS)]


def kabupaten_map(
    campaign: Campaign, progress: Progress, as_of: datetime.date | None = None, *, width=WIDTH
) -> RegionMap:
    """The campaign's kecamatan shaded by percent recorded, coverage gaps hatched, and the
    visits of as_of and the day after as points.

    Two queries besides the progress: the shapes, and the two days' visits with their places.
    The gaps are the progress's own (KecamatanProgress.coverage_gap), as everywhere else.
    """
    as_of = as_of or progress.as_of
    tomorrow = add_days(as_of, 1)
    areas = _kecamatan_areas(
        progress,
        gaps={k.code for k in progress.kecamatan if k.coverage_gap},
        note=gettext("No visit planned before the target date"),
    )

    visits = (
        Visit.objects.filter(campaign=campaign, date__in=[as_of, tomorrow])
        .select_related("device", "kecamatan", "desa")
        .order_by("date", "device__code")
    )
    grouped = {}  # (day, lat, lng) -> visits there
    for visit in visits:
        place = visit.desa if visit.desa_id and visit.desa.lat is not None else visit.kecamatan
        if place.lat is None or place.lng is None:
            continue
        grouped.setdefault((visit.date, place.lat, place.lng), []).append(visit)
    points = []
    for (day, lat, lng), there in grouped.items():
        label = gettext("Today") if day == as_of else gettext("Tomorrow")
        sets = ", ".join(f"{v.device.code} ({mask_niks_in_text(v.place)})" for v in there)
        points.append(Point(lat=lat, lng=lng, title=f"{label}: {sets}", today=day == as_of))

    legend = percent_legend()
    if any(a.fill == NO_BACKLOG for a in areas):
        legend.append(LegendItem(gettext("No backlog"), NO_BACKLOG))
    if any(a.mark for a in areas):
        legend.append(LegendItem(gettext("Coverage gap"), RED, "mark"))
    legend.append(LegendItem(gettext("Visit today"), TODAY, "today"))
    legend.append(LegendItem(gettext("Visit tomorrow"), INK, "tomorrow"))

    gaps = [a.name for a in areas if a.mark]
    desc = gettext(
        "Each kecamatan of %(kabupaten)s shaded by the percent of its backlog recorded by "
        "%(as_of)s; darker is further."
    ) % {"kabupaten": campaign.kabupaten.name, "as_of": _date(as_of)}
    if gaps:
        desc += " " + gettext("Coverage gaps (hatched): %(names)s.") % {"names": ", ".join(gaps)}
    today_places = [p.title for p in points if p.today]
    tomorrow_places = [p.title for p in points if not p.today]
    desc += " " + (
        " ".join(today_places + tomorrow_places) or gettext("No visits today or tomorrow.")
    )
    return region_map(
        "map-kabupaten",
        areas,
        points,
        legend,
        title=gettext("Map: percent recorded per kecamatan"),
        desc=desc,
        width=width,
    )


def _kecamatan_areas(progress: Progress, *, gaps: set, note: str) -> list[Area]:
    """The campaign's kecamatan shaded by percent recorded, those in `gaps` hatched and
    their tooltip ending with `note`; each with its name and numbers. One query: the shapes."""
    shapes = dict(
        Shape.objects.filter(code__in=[k.code for k in progress.kecamatan]).values_list(
            "code", "geometry"
        )
    )
    areas = []
    for k in progress.kecamatan:
        title = gettext(
            "%(name)s: %(recorded)s recorded, %(remaining)s remaining of %(target)s"
        ) % {
            "name": k.name,
            "recorded": _number(k.recorded),
            "remaining": _number(k.remaining),
            "target": _number(k.target),
        }
        if k.percent_recorded is not None:
            percent = _number(round(k.percent_recorded, 1))
            title += " (%s)" % (gettext("%(percent)s%% recorded") % {"percent": percent})
        if k.code in gaps:
            title += f" · {note}"
        areas.append(
            Area(
                code=k.code,
                name=k.name,
                geometry=shapes.get(k.code),
                fill=percent_fill(k.percent_recorded),
                title=title,
                mark=k.code in gaps,
            )
        )
    return areas


def proposal_map(campaign: Campaign, progress: Progress, plan) -> RegionMap:
    """A schedule proposal on the map: the kecamatan shaded by percent recorded, those it
    cannot reach hatched, each proposed place a point (filled where it fills a gap) with its
    days and sets. One query: the shapes; the places' centroids come with the proposal."""
    areas = _kecamatan_areas(
        progress,
        gaps=set(plan.proposal.unvisited),
        note=gettext("The proposal cannot reach it"),
    )
    where = plan.data.coordinates
    grouped = {}  # (lat, lng) -> (place, visits there)
    for visit in plan.proposal.visits:
        spot = where.get(visit.desa[0]) if visit.desa else None
        spot = spot or where.get(visit.kecamatan)
        if spot is None:
            continue
        place = mask_niks_in_text(plan.place_name(visit.kecamatan, visit.desa))
        grouped.setdefault(spot, (place, []))[1].append(visit)
    points = [
        Point(
            lat=lat,
            lng=lng,
            title=f"{place}: "
            + ", ".join(f"{_date(v.day)} {v.set_code} (~{_number(v.expected)})" for v in there),
            today=any(v.covers for v in there),
        )
        for (lat, lng), (place, there) in grouped.items()
    ]
    legend = percent_legend()
    if any(a.mark for a in areas):
        legend.append(LegendItem(gettext("Not reached by the proposal"), RED, "mark"))
    legend.append(LegendItem(gettext("Proposed visit filling a gap"), TODAY, "today"))
    legend.append(LegendItem(gettext("Proposed visit"), INK, "tomorrow"))
    return region_map(
        "map-proposal",
        areas,
        points,
        legend,
        title=gettext("The proposed visits on the map"),
        desc=" ".join(p.title for p in points) or gettext("No visit proposed."),
    )


def province_map(
    provinsi_code: str,
    fills_by_kabupaten_code: dict[str, str],
    titles: dict[str, str],
    *,
    legend: list[LegendItem] | None = None,
    title: str | None = None,
    desc: str = "",
    width=WIDTH,
) -> RegionMap:
    """One shape per kabupaten/kota of the province, filled by the caller (for instance by its
    campaign's status); those without a fill are drawn grey. Two queries."""
    kabupaten = list(
        Kabupaten.objects.filter(provinsi_id=provinsi_code)
        .order_by("code")
        .values_list("code", "name")
    )
    shapes = dict(
        Shape.objects.filter(code__in=[code for code, _ in kabupaten]).values_list(
            "code", "geometry"
        )
    )
    areas = [
        Area(
            code=code,
            name=name,
            geometry=shapes.get(code),
            fill=fills_by_kabupaten_code.get(code, NO_BACKLOG),
            title=titles.get(code, name),
        )
        for code, name in kabupaten
    ]
    return region_map(
        "map-province",
        areas,
        [],
        legend or [],
        title=title or gettext("Map of the province's kabupaten and kota"),
        desc=desc or "; ".join(a.title for a in areas),
        width=width,
    )


STATUS_FILLS = {
    Status.DONE: GREEN,
    Status.ON_TRACK: BLUE,
    Status.NEEDS_EXTENSION: BROWN,
    Status.OFF_TRACK: RED,
}


def province_status_map(provinsi_code: str, rows) -> RegionMap:
    """A province's kabupaten shaded by their campaign's status (reports.province rows);
    those without a campaign grey. Two queries."""
    fills = {r.kabupaten_code: STATUS_FILLS[r.status] for r in rows}
    titles = {}
    for r in rows:
        titles[r.kabupaten_code] = f"{r.kabupaten}: {r.status_label}"
        if r.percent_recorded is not None:
            percent = _number(round(r.percent_recorded, 1))
            titles[r.kabupaten_code] += ", " + gettext("%(percent)s%% recorded") % {
                "percent": percent
            }
    shown = {r.status for r in rows}
    legend = [
        LegendItem(str(STATUS_LABELS[status]), fill)
        for status, fill in STATUS_FILLS.items()
        if status in shown
    ] + [LegendItem(gettext("No campaign"), NO_BACKLOG)]
    return province_map(
        provinsi_code,
        fills,
        titles,
        legend=legend,
        title=gettext("The province's kabupaten and kota by their campaign's status"),
    )


# Drawing ----------------------------------------------------------------------------------


def region_map(
    name: str,
    areas: list[Area],
    points: list[Point],
    legend: list[LegendItem],
    *,
    title: str,
    desc: str,
    width=WIDTH,
    max_height=None,
) -> RegionMap:
    """Draw the areas (one <path> each, with a <title>), then the points; the legend apart.

    Areas without a geometry are left off and named in the result; with no geometry at all
    there is no map (an empty svg)."""
    drawn = [a for a in areas if a.geometry]
    left_off = [a.name for a in areas if not a.geometry]
    if not drawn:
        return RegionMap(svg=mark_safe(""), legend=mark_safe(""), shown=0, left_off=left_off)
    rings = {a.code: _polygons(a.geometry) for a in drawn}
    lngs = [c[0] for polys in rings.values() for poly in polys for ring in poly for c in ring]
    lats = [c[1] for polys in rings.values() for poly in polys for ring in poly for c in ring]
    lngs += [p.lng for p in points]
    lats += [p.lat for p in points]
    west, east, south, north = min(lngs), max(lngs), min(lats), max(lats)
    k = math.cos(math.radians((north + south) / 2))
    geo_w, geo_h = max((east - west) * k, 1e-9), max(north - south, 1e-9)
    inner = width - 2 * PAD
    scale = inner / geo_w
    max_height = max_height or width * 1.25
    if geo_h * scale + 2 * PAD > max_height:
        scale = (max_height - 2 * PAD) / geo_h
    offset_x = PAD + (inner - geo_w * scale) / 2
    map_height = geo_h * scale + 2 * PAD

    def project(lng, lat):
        return offset_x + (lng - west) * k * scale, PAD + (north - lat) * scale

    parts, patterns = [], {}
    for area in drawn:
        fill = area.fill
        if area.mark:
            pattern = patterns.setdefault(fill, f"{name}-gap{len(patterns)}")
            fill = f"url(#{pattern})"
        parts.append(
            _el(
                "path",
                _el("title", area.title),
                d=_path(rings[area.code], project),
                fill=fill,
                fill_rule="evenodd",
                stroke=RED if area.mark else EDGE,
                stroke_width=1.6 if area.mark else 0.8,
                stroke_linejoin="round",
                data_code=area.code,
            )
        )
    # Tomorrow's rings first, so a place visited both days shows the ring around today's dot.
    for point in sorted(points, key=lambda p: p.today):
        x, y = project(point.lng, point.lat)
        if point.today:
            attrs = {"r": 4.5, "fill": TODAY, "stroke": EDGE, "stroke_width": 1.5}
        else:
            attrs = {"r": 6.5, "fill": "none", "stroke": INK, "stroke_width": 2}
        parts.append(
            _el(
                "circle",
                _el("title", point.title),
                cx=x,
                cy=y,
                data_day="today" if point.today else "tomorrow",
                **attrs,
            )
        )
    defs = [
        format_html(
            '<pattern id="{}" patternUnits="userSpaceOnUse" width="6" height="6"'
            ' patternTransform="rotate(45)"><rect width="6" height="6" fill="{}"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="{}" stroke-width="2"/></pattern>',
            pattern,
            colour,
            RED,
        )
        for colour, pattern in patterns.items()
    ]
    if defs:
        parts.insert(0, format_html("<defs>{}</defs>", mark_safe("".join(defs))))
    svg = _svg(name, width, math.ceil(map_height), title, desc, parts)
    svg = mark_safe(svg.replace('class="chart"', 'class="chart map"', 1))
    return RegionMap(svg=svg, legend=_legend(legend), shown=len(drawn), left_off=left_off)


def _polygons(geometry):
    """A Polygon's or MultiPolygon's list of polygons, each a list of rings of [lng, lat]."""
    if geometry.get("type") == "Polygon":
        return [geometry["coordinates"]]
    if geometry.get("type") == "MultiPolygon":
        return geometry["coordinates"]
    return []


def _path(polygons, project):
    """An SVG path: each ring thinned to points SIMPLIFY units apart, rounded to 0.1."""
    simplified, whole = [], []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lng, lat) for lng, lat, *_ in ring]
            whole.append(points)
            kept = [points[0]]
            for x, y in points[1:]:
                if math.hypot(x - kept[-1][0], y - kept[-1][1]) >= SIMPLIFY:
                    kept.append((x, y))
            if len(kept) >= 3:
                simplified.append(kept)
    # A shape smaller than the threshold still gets drawn, at its full detail.
    return " ".join(_ring(ring) for ring in simplified or whole)


def _ring(points):
    first, *rest = points
    return (
        f"M{_fmt(round(first[0], 1))} {_fmt(round(first[1], 1))}L"
        + " ".join(f"{_fmt(round(x, 1))} {_fmt(round(y, 1))}" for x, y in rest)
        + "Z"
    )


def _legend(items):
    """The legend as an HTML list, so that its text has the page's size on a phone and on paper;
    each swatch a tiny SVG (presentation attributes: the CSP allows no style attribute)."""
    swatches = {
        "today": '<circle cx="7" cy="7" r="4.5" fill="{fill}" stroke="#1b1f24" stroke-width=".5"/>',
        "tomorrow": '<circle cx="7" cy="7" r="5" fill="none" stroke="{fill}" stroke-width="2"/>',
        "mark": '<rect x="1" y="2" width="12" height="10" fill="#fff" stroke="{fill}"'
        ' stroke-width="1.6"/><line x1="3" y1="11" x2="11" y2="3" stroke="{fill}"'
        ' stroke-width="1.6"/>',
        "block": '<rect x="0" y="2" width="14" height="10" fill="{fill}" stroke="#9aa4b1"'
        ' stroke-width=".5"/>',
    }
    entries = [
        format_html(
            '<li><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">{}</svg>'
            " {}</li>",
            format_html(swatches[item.kind], fill=item.fill),
            item.label,
        )
        for item in items
    ]
    if not entries:
        return mark_safe("")
    return format_html('<ul class="map-legend">{}</ul>', mark_safe("".join(entries)))
