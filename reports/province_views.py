"""A province's roll-up for the Polda, mounted at /provinces/ (reports.province_urls)."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from regions.models import Provinsi
from reports.exports import TableExportMixin
from reports.forms import AsOfForm
from reports.maps import province_status_map
from reports.province import province_campaigns, province_rows
from reports.tables import ProvinceTable

# Those who see the campaign list and the dashboards: koordinator, admin, operators.
can_view = permission_required("campaigns.view_campaign", raise_exception=True)


@method_decorator([require_safe, can_view], name="dispatch")
class ProvinceRollupView(TableExportMixin, SingleTableMixin, TemplateView):
    """One row per kabupaten campaign of the province: status, percent, remaining, projected
    end, sets needed and late reports; ?as_of=, ?sort=, ?_export=csv or xlsx."""

    template_name = "reports/province_rollup.html"
    table_class = ProvinceTable
    table_pagination = False  # a province has a few dozen kabupaten; exports take them all

    def get(self, request, code):
        self.provinsi = get_object_or_404(Provinsi, code=code)
        self.campaigns = list(province_campaigns(self.provinsi))
        today = timezone.localdate()
        self.form = AsOfForm(
            request.GET or None, initial={"as_of": today}, campaigns=self.campaigns
        )
        if self.export_format and self.form.is_bound and not self.form.is_valid():
            # A file named after a day it does not hold would mislead: refuse it.
            return HttpResponseBadRequest(
                " ".join(self.form.errors["as_of"]), content_type="text/plain; charset=utf-8"
            )
        self.as_of = self.form.day(today)
        self.rows = province_rows(self.campaigns, self.as_of)
        return super().get(request, code=code)

    def get_table_data(self):
        return self.rows

    def get_table_kwargs(self):
        return {"as_of": self.as_of}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unsorted = self.request.GET.copy()
        unsorted.pop(self.table_class._meta.order_by_field, None)
        return context | {
            "provinsi": self.provinsi,
            "form": self.form,
            "as_of": self.as_of,
            "rows": self.rows,
            "map": province_status_map(self.provinsi.code, self.rows),
            "default_order_url": f"?{unsorted.urlencode()}",
            "exports": self.export_links(),
        }

    def get_export_filename(self, export_format):
        return f"provinsi-{self.provinsi.code}-{self.as_of.isoformat()}.{export_format}"

    def get_dataset_kwargs(self):
        return {"title": _("Province")}


province_rollup = ProvinceRollupView.as_view()
