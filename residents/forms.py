from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import OperatorScope
from reports.forms import ServiceErrorsMixin
from residents.models import BacklogEntry


class BacklogEntryForm(ServiceErrorsMixin, forms.Form):
    """Clean-up or additions for one kecamatan. The operator types how many; the sign follows."""

    field_for = {"change": "count"}

    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=None)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in BacklogEntry.Kind if k != BacklogEntry.Kind.BASELINE],
    )
    count = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
    )
    note = forms.CharField(
        label=_("Note"),
        help_text=_("Why, and the source: e.g. death certificates from Desa Oelolok."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        kecamatan = campaign.kabupaten.kecamatan.order_by("name")
        limited_to = OperatorScope.kecamatan_codes_for(user)
        if limited_to is not None:
            kecamatan = kecamatan.filter(code__in=limited_to)
        self.fields["kecamatan"].queryset = kecamatan
