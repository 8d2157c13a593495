"""Reads: the backlog ledger (per-kecamatan totals in one grouped query), the resident list,
a resident's history, the people to invite to a visit, and import jobs."""

import datetime

from django.db.models import Case, Exists, OuterRef, Q, Sum, When
from django.utils import timezone
from django.utils.formats import date_format

from campaigns.models import Campaign, OperatorScope, Visit
from regions.models import Desa
from residents.models import BacklogEntry, ImportJob, Resident
from residents.permissions import may_see_nik
from residents.privacy import nik_for, niks_masked_for


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


# --- The resident list -------------------------------------------------------------------------


def campaign_choices():
    """The campaigns to choose from when none is the sole active one: active first, newest."""
    return Campaign.objects.select_related("kabupaten").order_by(
        Case(When(status=Campaign.Status.ACTIVE, then=0), default=1), "-start_date", "name"
    )


def upcoming_visits(*, campaign: Campaign, user, as_of: datetime.date, limit: int = 10):
    """The campaign's visits on ``as_of`` and after, soonest first."""
    return (
        Visit.objects.visible_to(user)
        .filter(campaign=campaign, date__gte=as_of)
        .with_place()
        .order_by("date", "kecamatan__name", "device__code")[:limit]
    )


def recorded_visit_choices(*, resident: Resident, user, limit: int = 30) -> list[Visit]:
    """The visits a resident may have been recorded at: the campaign's, up to today, in the
    user's area (never outside it). Today's visits first, those naming the user first among
    them; then the earlier ones in the resident's kecamatan, then the rest, newest first."""
    today = timezone.localdate()
    names_them = Visit.operators.through.objects.filter(visit=OuterRef("pk"), user_id=user.pk)
    return list(
        Visit.objects.visible_to(user)
        .filter(campaign_id=resident.campaign_id, date__lte=today)
        .with_place()
        .annotate(
            earlier=Case(When(date=today, then=0), default=1),
            names_them=Exists(names_them),
            elsewhere=Case(When(kecamatan_id=resident.desa.kecamatan_id, then=0), default=1),
        )
        .order_by("earlier", "-names_them", "elsewhere", "-date", "device__code")[:limit]
    )


def marked_at_visit(*, visit: Visit, user, limit: int = 200) -> dict:
    """The residents marked recorded at a visit: how many, and the first `limit` by name,
    their NIKs masked for those who may not see them whole. Two queries."""
    residents = Resident.objects.filter(recorded_visit=visit, status=Resident.Status.RECORDED)
    listed = list(residents.select_related("desa").order_by("name", "pk")[:limit])
    count = len(listed) if len(listed) < limit else residents.count()
    for resident in listed:
        resident.nik_shown = nik_for(resident.nik, user)
    return {"count": count, "residents": listed, "more": count - len(listed)}


HISTORY_FIELDS = ["status", "recorded_visit", "name", "nik", "sex", "birth_date", "desa"]


def resident_history(*, resident: Resident, user, limit: int = 50) -> dict:
    """Who changed what and when, newest first, from django-simple-history's records.

    A fixed number of queries: the records, then the visits and desa they name.
    """
    records = list(
        resident.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    visit_ids = {r.recorded_visit_id for r in records if r.recorded_visit_id}
    visits = {v.pk: str(v) for v in Visit.objects.filter(pk__in=visit_ids).with_place()}
    desa_codes = {r.desa_id for r in records}
    desa = dict(Desa.objects.filter(code__in=desa_codes).values_list("code", "name"))
    shows_nik = may_see_nik(user)

    def show(field, record):
        value = getattr(record, Resident._meta.get_field(field).attname)
        if value in (None, ""):
            return None
        if field == "status":
            return Resident.Status(value).label
        if field == "recorded_visit":
            return visits.get(value, value)
        if field == "desa":
            return desa.get(value, value)
        if field == "nik":
            return nik_for(value, user)
        if field == "sex":
            return Resident.Sex(value).label
        if field == "birth_date":
            return date_format(value, "SHORT_DATE_FORMAT") if shows_nik else "…"
        return value

    entries = []
    for index, record in enumerate(records[:limit]):
        older = records[index + 1] if index + 1 < len(records) else None
        if record.history_type == "+" or older is None:
            changes = [
                (Resident._meta.get_field("status").verbose_name, None, show("status", record))
            ]
            created = record.history_type == "+"
        else:
            changes = [
                (
                    Resident._meta.get_field(field).verbose_name,
                    show(field, older),
                    show(field, record),
                )
                for field in HISTORY_FIELDS
                if show(field, older) != show(field, record)
            ]
            created = False
        reason = record.history_change_reason or ""
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "created": created,
                "changes": changes,
                "reason": niks_masked_for(reason, user),
            }
        )
    return {"entries": entries, "more": len(records) > limit}


def invited_residents(*, visit: Visit, user):
    """The residents not yet recorded in the visit's desa, or its whole kecamatan."""
    residents = (
        Resident.objects.visible_to(user)
        .unrecorded()
        .filter(campaign_id=visit.campaign_id)
        .select_related("desa")
        .order_by("desa__name", "desa_id", "name", "nik")
    )
    if visit.desa_id:
        return residents.filter(desa_id=visit.desa_id)
    return residents.filter(desa__kecamatan_id=visit.kecamatan_id)


# --- Import jobs -------------------------------------------------------------------------------


def visible_import_jobs(*, campaign: Campaign, user):
    """A user's own import jobs; an admin (who may view import jobs) sees everyone's."""
    jobs = ImportJob.objects.filter(campaign=campaign).select_related("user")
    return jobs if user.has_perm("residents.view_importjob") else jobs.filter(user=user)
