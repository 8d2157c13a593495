"""The kecamatan table: the page and its CSV and xlsx exports show the same numbers.

The page formats them (5.312, 23/01/2024); the exports keep them raw: whole numbers, the
percentage as a number, and dates as dates (ISO 8601, 2024-01-23, in CSV; date cells in xlsx).
"""

import django_tables2 as tables
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
