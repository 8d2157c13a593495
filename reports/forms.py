import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.forms import CountField, DayField, ServiceErrorsMixin
from campaigns.models import MAX_DAILY_COUNT, NOTE_MAX_LENGTH
from reports.models import DailyReport
from reports.progress import add_days

# How far before a campaign's start and after its last day a progress page may look: a year,
# for last year's campaign or next year's plan, and dates the arithmetic is sure to handle.
AS_OF_MARGIN_DAYS = 366


def count_field(model_field_name, **kwargs):
    """A count of one visit, labelled from the model, with the phone's number keypad."""
    field = DailyReport._meta.get_field(model_field_name)
    return CountField(
        label=field.verbose_name.capitalize(),
        help_text=field.help_text,
        min_value=0,
        max_value=MAX_DAILY_COUNT,
        **kwargs,
    )


class DailyReportForm(ServiceErrorsMixin, forms.Form):
    """The operator's form. The rules themselves live in the model and reports.services."""

    recorded_count = count_field("recorded_count")
    first_time_voters = count_field("first_time_voters", initial=0)
    failed_count = count_field("failed_count", initial=0)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=100,
        help_text=_("Needed more than two days after the visit."),
    )
    confirm = forms.BooleanField(label=_("Yes, this number is right"), required=False)
    # The report's version when the form was opened (0: no report yet); see daily_report_save.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # Made by the phone's script for each send, and the one before it still waiting, if any:
    # see daily_report_submit. Empty without JavaScript.
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    after = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def needs_confirmation(self):
        return any(
            e.code == "needs_confirmation" for e in self.errors.as_data().get("recorded_count", [])
        )


class AsOfForm(forms.Form):
    """The reference day of a progress page; today when not given, or when the date typed
    is refused (the page shows why). Typed dd/mm/yyyy in either language (DayField); links
    and progress.json carry ?as_of=YYYY-MM-DD, which it reads too.

    Within a year either side of the campaign (AS_OF_MARGIN_DAYS). `iso_only` for
    progress.json, a machine's interface: YYYY-MM-DD and nothing else, never a guess.
    """

    as_of = DayField(label=_("As of"), required=False)

    def __init__(self, *args, campaign=None, campaigns=(), iso_only=False, **kwargs):
        """For one campaign, or for several (a province's): a year around them all."""
        super().__init__(*args, **kwargs)
        if iso_only:
            field = self.fields["as_of"]
            field.input_formats = ["%Y-%m-%d"]
            field.error_messages["invalid"] = _(
                "Enter the date as YYYY-MM-DD, for example 2024-01-23."
            )
        campaigns = [campaign] if campaign is not None else list(campaigns)
        if campaigns:
            first = min(c.start_date for c in campaigns)
            last = max(c.last_day for c in campaigns)
        else:  # nothing to show: any day will do
            first, last = datetime.date.min, datetime.date.max
        self.first_day = add_days(first, -AS_OF_MARGIN_DAYS)
        self.last_day = add_days(last, AS_OF_MARGIN_DAYS)

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day and not self.first_day <= day <= self.last_day:
            raise ValidationError(
                _("Choose a day from %(first)s to %(last)s: up to a year around the campaign."),
                code="outside_campaign",
                # As the field takes them (dd/mm/yyyy), in either language.
                params={
                    "first": self.first_day.strftime("%d/%m/%Y"),
                    "last": self.last_day.strftime("%d/%m/%Y"),
                },
            )
        return day

    def day(self, today):
        if self.is_valid() and self.cleaned_data["as_of"]:
            return self.cleaned_data["as_of"]
        return today
