"""The kecamatan table, plan against actual and the week's schedule: read-only pages.

Their numbers come from reports.progress.campaign_progress, like the dashboard's and
progress.json's, and from the grouped queries of reports.plan and reports.schedule.
"""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from django_tables2 import SingleTableMixin

from reports.exports import TableExportMixin
from reports.filters import KecamatanFilter
from reports.kecamatan_table import kecamatan_rows
from reports.plan import campaign_plan
from reports.progress import campaign_progress
from reports.progress_views import campaign_and_day, progress_context
from reports.schedule import campaign_schedule
from reports.tables import KecamatanTable

can_view = permission_required("campaigns.view_campaign", raise_exception=True)


@method_decorator([require_safe, can_view], name="dispatch")
class KecamatanTableView(TableExportMixin, SingleTableMixin, TemplateView):
    """Per kecamatan: target, recorded, remaining, visits and state; ?state=, ?sort=, ?_export=."""

    template_name = "reports/kecamatan_table.html"
    table_class = KecamatanTable
    table_pagination = False  # a kabupaten has a few dozen kecamatan; exports take them all

    def get(self, request, slug):
        self.campaign, self.form, self.as_of = campaign_and_day(request, slug)
        if self.export_format and self.form.is_bound and not self.form.is_valid():
            # A file named after a day it does not hold would mislead: refuse it.
            return HttpResponseBadRequest(
                " ".join(self.form.errors["as_of"]), content_type="text/plain; charset=utf-8"
            )
        self.progress = campaign_progress(campaign=self.campaign, as_of=self.as_of)
        self.filter = KecamatanFilter(request.GET, rows=kecamatan_rows(self.progress))
        return super().get(request, slug=slug)

    def get_table_data(self):
        return self.filter.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = kecamatan_rows(self.progress)
        unsorted = self.request.GET.copy()
        unsorted.pop(self.table_class._meta.order_by_field, None)
        context |= {
            "default_order_url": f"?{unsorted.urlencode()}",
            "campaign": self.campaign,
            "form": self.form,
            "filter": self.filter,
            "progress": self.progress,
            "shown": len(self.filter.qs),
            "gaps": sum(1 for row in rows if row.state == "gap"),
            "exports": self.export_links(),
        }
        return context

    def get_export_filename(self, export_format):
        return f"{self.campaign.slug}-kecamatan-{self.as_of.isoformat()}.{export_format}"

    def get_dataset_kwargs(self):
        return {"title": _("Kecamatan")}


kecamatan_table = KecamatanTableView.as_view()


@require_safe
@can_view
def plan(request, slug):
    """Plan against actual: each visit, each set, and the forecast with one more set."""
    context = progress_context(request, slug)
    context["plan"] = campaign_plan(progress=context["progress"])
    return render(request, "reports/plan.html", context)


@require_safe
@can_view
def schedule(request, slug):
    """The seven days after as_of, by set and by day, and the kecamatan no visit reaches."""
    context = progress_context(request, slug)
    context["schedule"] = campaign_schedule(progress=context["progress"])
    return render(request, "reports/schedule.html", context)
