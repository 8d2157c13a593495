"""The kecamatan table: the page and its CSV and xlsx exports show the same numbers.

The page formats them (5.312, 23/01/2024); the exports keep them raw: whole numbers, the
percentage as a number, and dates as dates (ISO 8601, 2024-01-23, in CSV; date cells in xlsx).
"""

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from reports.province import province_totals

NUMBER_ATTRS = {"th": {"class": "num"}, "td": {"class": "num"}, "tf": {"class": "num"}}


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return intcomma(value)

    def value(self, value):
        return value


class TotalColumn(NumberColumn):
    """A count, with the total of the rows shown in the footer (not in the exports)."""

    def render_footer(self, bound_column, table):
        return intcomma(sum(getattr(row, bound_column.accessor) for row in table.data))


class PercentColumn(NumberColumn):
    def render(self, value):
        return floatformat(value, 2)


class DayColumn(tables.Column):
    def render(self, value):
        return date_format(value, "SHORT_DATE_FORMAT")

    def value(self, value):
        return value  # a date: ISO in CSV, a date cell in xlsx


class KecamatanTable(tables.Table):
    """Rows are reports.kecamatan_table.KecamatanRow, already in their default order."""

    code = tables.Column(verbose_name=_("Code"), visible=False)  # in the exports only
    name = tables.Column(
        verbose_name=_("Kecamatan"),
        attrs={"th": {"class": "name"}, "td": {"class": "name"}, "tf": {"class": "name"}},
        footer=_("Total"),
    )
    target = TotalColumn(verbose_name=_("Target"))
    recorded = TotalColumn(verbose_name=_("Recorded"))
    remaining = TotalColumn(verbose_name=_("Remaining"))
    percent_recorded = PercentColumn(verbose_name=_("% recorded"))
    last_visit = DayColumn(verbose_name=_("Last visit"))
    next_visit = DayColumn(verbose_name=_("Next visit"))
    state = tables.Column(verbose_name=_("State"), order_by=("state_rank", "name"))

    class Meta:
        attrs = {"class": "kecamatan-table"}
        row_attrs = {"class": lambda record: record.state}
        empty_text = _("No kecamatan match this filter.")
        # No order_by: without ?sort= the rows keep reports.kecamatan_table's default order.

    def render_name(self, record):
        # On a phone the state column is off screen: the badge also shows under the name.
        return format_html(
            '{}<span class="badge {} phone-only">{}</span>',
            record.name,
            record.state,
            record.state_label,
        )

    def value_name(self, record):
        return record.name

    def render_state(self, record):
        return format_html('<span class="badge {}">{}</span>', record.state, record.state_label)

    def value_state(self, record):
        return str(record.state_label)


def _total(name):
    """A footer with the province's total of `name` (reports.province.province_totals)."""

    def footer(table):
        value = getattr(table.totals, name)
        if value is None:  # a percent of no backlog at all
            return "—"
        return floatformat(value, 2) if isinstance(value, float) else intcomma(value)

    return footer


class ProvinceTable(tables.Table):
    """A province's roll-up: rows are reports.province.ProvinceRow, in their default order
    (most in need first) unless sorted by a column."""

    slug = tables.Column(verbose_name=_("Campaign"), visible=False)  # in the exports only
    kabupaten_code = tables.Column(verbose_name=_("Code"), visible=False)
    kabupaten = tables.Column(
        verbose_name=_("Regency/city"),
        attrs={"th": {"class": "name"}, "td": {"class": "name"}, "tf": {"class": "name"}},
        order_by=("kabupaten", "slug"),
        footer=_("Total"),
    )
    name = tables.Column(verbose_name=_("Campaign name"), visible=False)
    status = tables.Column(verbose_name=_("Status"), order_by=("status_rank", "kabupaten"))
    target = NumberColumn(verbose_name=_("Target"), visible=False)
    recorded = NumberColumn(verbose_name=_("Recorded"), visible=False)
    percent_recorded = PercentColumn(
        verbose_name=_("% recorded"), footer=_total("percent_recorded")
    )
    remaining = NumberColumn(verbose_name=_("Remaining"), footer=_total("remaining"))
    projected_completion_date = DayColumn(verbose_name=_("Projected end"))
    devices_needed = NumberColumn(
        verbose_name=_("Sets needed by the target date"), footer=_total("devices_needed")
    )
    devices_needed_extension = NumberColumn(
        verbose_name=_("Sets needed by the extension"),
        footer=_total("devices_needed_extension"),
    )
    late_reports = NumberColumn(verbose_name=_("Late reports"), footer=_total("late_reports"))

    class Meta:
        attrs = {"class": "province-table"}
        row_attrs = {"class": lambda record: f"status-{record.status}"}
        empty_text = _("No campaign in this province yet.")

    def __init__(self, data, *, as_of, **kwargs):
        super().__init__(data, **kwargs)
        self.as_of = as_of
        self.totals = province_totals(list(data))

    def render_kabupaten(self, record):
        url = reverse("campaigns:dashboard", args=[record.slug])
        return format_html(
            '<a href="{}?as_of={}" title="{}">{}</a>'
            '<span class="muted small campaign-of">{} · {}</span>',
            url,
            self.as_of.isoformat(),
            record.name,
            record.kabupaten,
            record.lifecycle_label,
            date_format(record.start_date, "SHORT_DATE_FORMAT"),
        )

    def value_kabupaten(self, record):
        return record.kabupaten

    def render_status(self, record):
        return format_html(
            '<span class="badge status-{}">{}</span>', record.status, record.status_label
        )

    def value_status(self, record):
        return str(record.status_label)
