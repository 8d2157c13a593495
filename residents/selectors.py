"""Reading the backlog ledger: per-kecamatan totals in one grouped query."""

from django.db.models import Q, Sum

from campaigns.models import OperatorScope
from residents.models import BacklogEntry


def backlog_by_kecamatan(*, campaign, user, as_of=None):
    """Per kecamatan: baseline, removed, added and the target (the ledger's sum)."""
    entries = BacklogEntry.objects.filter(campaign=campaign)
    if as_of is not None:
        entries = entries.up_to(as_of)
    entries = OperatorScope.limit(entries, user, "kecamatan")
    return (
        entries.values("kecamatan__code", "kecamatan__name")
        .annotate(
            baseline=Sum("change", filter=Q(kind=BacklogEntry.Kind.BASELINE), default=0),
            # A correction undoes a removal made by mistake: it nets out of this column.
            removed=Sum(
                "change",
                filter=Q(kind__in=[*BacklogEntry.REMOVALS, BacklogEntry.Kind.CORRECTION]),
                default=0,
            ),
            added=Sum("change", filter=Q(kind=BacklogEntry.Kind.FIRST_TIME_VOTER), default=0),
            target=Sum("change"),
        )
        .order_by("kecamatan__name")
    )


def recent_entries(*, campaign, user, limit=50):
    entries = BacklogEntry.objects.filter(campaign=campaign).exclude(
        kind=BacklogEntry.Kind.BASELINE
    )
    entries = OperatorScope.limit(entries, user, "kecamatan")
    return entries.select_related("kecamatan", "created_by").order_by("-date", "-pk")[:limit]
