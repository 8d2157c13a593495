"""The CSV and xlsx exports of the report tables (per kecamatan, per province).

django-tables2's ExportMixin, offering only CSV and xlsx, with the CSV as Excel opens it in
the user's language (regions.spreadsheets: semicolons and decimal commas in Indonesian).
"""

import io

from django_tables2.export import ExportMixin, TableExport

from regions.spreadsheets import excel_csv


class ExcelTableExport(TableExport):
    def export(self):
        if self.format != self.CSV:
            return super().export()
        out = io.StringIO()
        form = excel_csv()
        writer = form.writer(out)
        writer.writerow(self.dataset.headers)
        for row in self.dataset:
            form.writerow(writer, row)
        return out.getvalue()


class TableExportMixin(ExportMixin):
    """?_export=csv or xlsx downloads the table's rows; `export_links` offers them."""

    export_class = ExcelTableExport
    export_formats = ("csv", "xlsx")
    export_labels = {"csv": "CSV", "xlsx": "Excel (xlsx)"}

    @property
    def export_format(self):
        """The format asked for, if it is one offered; else None (the page)."""
        wanted = self.request.GET.get(self.export_trigger_param)
        return wanted if wanted in self.export_formats else None

    def export_links(self):
        """(label, ?query) for each format: the page's own query, filters and sort kept."""
        links = []
        for export_format in self.export_formats:
            query = self.request.GET.copy()
            query[self.export_trigger_param] = export_format
            links.append((self.export_labels[export_format], f"?{query.urlencode()}"))
        return links

    def render_to_response(self, context, **kwargs):
        # Only the formats offered: ExportMixin alone would try any format tablib knows.
        if self.export_format:
            return self.create_export(self.export_format)
        return super(ExportMixin, self).render_to_response(context, **kwargs)
