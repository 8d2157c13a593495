import django_filters
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from regions.models import Provinsi


def provinces_with_campaigns(request):
    return Provinsi.objects.filter(kabupaten__campaigns__isnull=False).distinct()


class CampaignFilter(django_filters.FilterSet):
    """A provincial coordinator (Polda) sees every kabupaten of the province at once."""

    provinsi = django_filters.ModelChoiceFilter(
        label=_("Province"),
        field_name="kabupaten__provinsi",
        queryset=provinces_with_campaigns,
        empty_label=_("All provinces"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Campaign.Status.choices, empty_label=_("Any status")
    )

    class Meta:
        model = Campaign
        fields = ["provinsi", "status"]
