import django_filters
from django.utils.translation import gettext_lazy as _

from regions.models import Kecamatan
from reports.kecamatan_table import KecamatanState


class KecamatanFilter(django_filters.FilterSet):
    """The kecamatan table's filter by state (?state=done, scheduled or gap).

    django-filter filters QuerySets, but the table's rows are the progress selector's list
    (a few dozen kecamatan, already counted by its grouped queries), so `qs` here is that
    list, filtered in Python by the same filters and their `method`s.
    """

    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=KecamatanState.choices,
        method="filter_state",
        empty_label=_("All"),
    )

    class Meta:
        model = Kecamatan
        fields = []

    def __init__(self, data=None, *, rows, **kwargs):
        super().__init__(data, queryset=Kecamatan.objects.none(), **kwargs)
        self.rows = rows

    @property
    def qs(self):
        rows = list(self.rows)
        if self.is_valid():
            for name, value in self.form.cleaned_data.items():
                rows = self.filters[name].filter(rows, value)
        return rows

    def filter_state(self, rows, name, value):
        return [row for row in rows if row.state == value]
