from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import DailyReport


def count_field(model_field_name, **kwargs):
    """A whole-number field labelled from the model, with the phone's number keypad."""
    field = DailyReport._meta.get_field(model_field_name)
    return forms.IntegerField(
        label=field.verbose_name.capitalize(),
        help_text=field.help_text,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        **kwargs,
    )


class ServiceErrorsMixin:
    """Shows a service's ValidationError next to its field, or above the form.

    `field_for` maps a model field to the form field that stands for it.
    """

    field_for = {}

    def add_service_error(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            field = self.field_for.get(field, field)
            self.add_error(field if field in self.fields else None, errors)


class DailyReportForm(ServiceErrorsMixin, forms.Form):
    """The operator's form. The rules themselves live in the model and reports.services."""

    recorded_count = count_field("recorded_count")
    first_time_voters = count_field("first_time_voters", initial=0)
    failed_count = count_field("failed_count", initial=0)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=100,
        help_text=_("Needed more than two days after the visit."),
    )
    confirm = forms.BooleanField(label=_("Yes, this number is right"), required=False)

    def needs_confirmation(self):
        return any(
            e.code == "needs_confirmation" for e in self.errors.as_data().get("recorded_count", [])
        )


class AsOfForm(forms.Form):
    """The reference day of a progress page (?as_of=YYYY-MM-DD); today when not given."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def day(self, today):
        if self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return today
