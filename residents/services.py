"""Writing the backlog ledger."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.audit import audit_record
from campaigns.models import AuditEntry, Campaign, OperatorScope, Visit
from campaigns.services import (
    campaign_check_open,
    count_check_confirmed,
    visit_check_happened,
)
from regions.models import Kecamatan
from residents.models import BacklogEntry, NikLookup, Resident
from residents.nik import NikError, clean_nik, mask_nik, mask_niks_in_text
from residents.permissions import may_see_nik
from residents.signals import residents_purging

# An addition above this, and above the kecamatan's whole backlog, asks for confirmation: a
# kecamatan of 30,000 residents sees about 500 turn 17 in a year, and a campaign lasts weeks.
PLAUSIBLE_LEDGER_ADDITION = 500


@transaction.atomic
def backlog_entry_create(
    *,
    campaign: Campaign,
    kecamatan: Kecamatan,
    date: datetime.date,
    kind: str,
    count: int,
    note: str,
    by,
    confirmed: bool = False,
) -> BacklogEntry:
    """Record a clean-up (deceased, moved out, duplicate) or new first-time voters.

    `count` is how many people; the sign follows the kind. The target changes from `date` on.
    Raises ValidationError with a code: campaign_closed, needs_confirmation (an addition far
    above the kecamatan's backlog; send again with confirmed=True and it is saved, flagged
    for review), or a model rule.
    """
    campaign_check_open(campaign=campaign, by=by)
    sign = -1 if kind in BacklogEntry.REMOVALS else 1
    entry = BacklogEntry(
        campaign=campaign,
        kecamatan=kecamatan,
        date=date,
        kind=kind,
        change=sign * count,
        note=note,
        created_by=by,
    )
    entry.full_clean()
    review_reason = backlog_outlier_reason(entry)
    count_check_confirmed(field="change", reason=review_reason, confirmed=confirmed)
    entry.needs_review, entry.review_reason = bool(review_reason), review_reason
    entry._history_user = by
    entry.save()
    return entry


def backlog_outlier_reason(entry: BacklogEntry) -> str:
    """Why an entry adds implausibly many to its kecamatan's backlog, or "" when it does not.

    An addition (new first-time voters, a correction) above PLAUSIBLE_LEDGER_ADDITION and
    above the kecamatan's whole backlog in the campaign. A baseline is the list itself, and
    removals cannot take more than the backlog holds (BacklogEntry.clean).
    """
    if entry.kind == BacklogEntry.Kind.BASELINE or entry.change <= PLAUSIBLE_LEDGER_ADDITION:
        return ""
    backlog = (
        BacklogEntry.objects.filter(campaign_id=entry.campaign_id, kecamatan_id=entry.kecamatan_id)
        .exclude(pk=entry.pk)
        .total()
    )
    if entry.change <= backlog:
        return ""
    return gettext("%(count)s is more than the whole backlog of %(kecamatan)s, %(backlog)s.") % {
        "count": entry.change,
        "kecamatan": entry.kecamatan.name,
        "backlog": backlog,
    }


# Leaving the backlog for one of these writes a -1 ledger entry of the same kind.
REMOVAL_KINDS = {
    Resident.Status.DECEASED: BacklogEntry.Kind.DECEASED,
    Resident.Status.MOVED_OUT: BacklogEntry.Kind.MOVED_OUT,
    Resident.Status.DUPLICATE: BacklogEntry.Kind.DUPLICATE,
}


def backlog_baselines_create(*, campaign: Campaign, counts: dict, note: str, by) -> None:
    """Each kecamatan's backlog at the campaign's start: one baseline entry per kecamatan
    (`counts` maps a kecamatan's code to its number), for an import or the demo."""
    BacklogEntry.objects.bulk_create(
        BacklogEntry(
            campaign=campaign,
            kecamatan_id=code,
            date=campaign.start_date,
            kind=BacklogEntry.Kind.BASELINE,
            change=count,
            note=note,
            created_by=by,
        )
        for code, count in sorted(counts.items())
    )


@transaction.atomic
def resident_set_status(
    *, resident: Resident, status: str, by, visit: Visit | None = None, note: str = ""
) -> Resident:
    """Mark a resident recorded (at a visit), deceased, moved out or a duplicate, or undo it.

    A removal writes its -1 ledger entry and an undo of one its +1 correction, in the same
    transaction, so the target and the list never disagree. Recording writes none: the
    recorded count comes from the visits' daily reports.
    """
    # The resident's row only: with the joined rows locked too, the campaign's row would be
    # held here while the ledger's lock (residents.models.lock_ledger) is awaited, and a
    # ledger entry saved meanwhile, which must share that row, would deadlock with it.
    resident = (
        Resident.objects.select_for_update(no_key=True, of=("self",))
        .select_related("desa", "campaign")
        .get(pk=resident.pk)
    )
    # Koordinators read ledger notes and change reasons: a NIK typed in a note is masked,
    # and the ledger names the resident by Resident.__str__, with the NIK masked too.
    note = mask_niks_in_text(note).strip()
    old = resident.status
    _check_transition(resident, status, visit, by)
    today = timezone.localdate()
    if old in REMOVAL_KINDS or status in REMOVAL_KINDS:
        leaving = status in REMOVAL_KINDS
        backlog_entry = BacklogEntry(
            campaign=resident.campaign,
            kecamatan_id=resident.desa.kecamatan_id,
            date=today,
            kind=REMOVAL_KINDS[status] if leaving else BacklogEntry.Kind.CORRECTION,
            change=-1 if leaving else 1,
            note=f"{resident}: {note}" if note else str(resident),
            created_by=by,
        )
        backlog_entry.full_clean()
        backlog_entry._history_user = by
        backlog_entry.save()
    resident.status = status
    resident.status_date = None if status == Resident.Status.UNRECORDED else today
    resident.recorded_visit = visit if status == Resident.Status.RECORDED else None
    resident._history_user = by
    resident._change_reason = note[:100]
    resident.save(update_fields=["status", "status_date", "recorded_visit"])
    return resident


def _check_transition(resident, status, visit, by):
    campaign, old = resident.campaign, resident.status
    campaign_check_open(campaign=campaign, by=by)
    if status == old:
        raise ValidationError(
            _("%(name)s is already %(status)s."),
            code="unchanged",
            params={"name": resident.name, "status": resident.get_status_display().lower()},
        )
    if old != Resident.Status.UNRECORDED and status != Resident.Status.UNRECORDED:
        raise ValidationError(
            _("%(name)s is no longer in the backlog (%(status)s); undo that first."),
            code="not_in_backlog",
            params={"name": resident.name, "status": resident.get_status_display().lower()},
        )
    if status == Resident.Status.RECORDED:
        if visit is None or visit.campaign_id != campaign.pk:
            raise ValidationError(
                _("Choose the visit of this campaign at which %(name)s was recorded."),
                code="visit_required",
                params={"name": resident.name},
            )
        visit_check_happened(visit=visit)


def visit_check_recordable(*, visit: Visit, by) -> None:
    """Raise ValidationError unless people can be marked recorded at ``visit`` now: it has
    happened (code future_visit) and its campaign is open to ``by`` (campaign_check_open)."""
    if visit.date > timezone.localdate():
        raise ValidationError(
            _("This visit has not happened yet: mark people recorded on the day."),
            code="future_visit",
        )
    campaign_check_open(campaign=visit.campaign, by=by)


def residents_record_pasted(*, visit: Visit, tokens: list[str], by) -> tuple[list, list]:
    """Mark recorded at ``visit`` each resident whose NIK is in ``tokens`` (as pasted).

    Returns (saved, problems), in the order pasted: the names and NIKs marked, and every
    token that was not, with its code and reason. One transaction: a crash half-way saves
    nothing; a refused NIK does not stop the others.
    """
    niks = {}
    for token in tokens:
        try:
            niks[token] = clean_nik(token)
        except NikError as error:
            niks[token] = error
    # An operator limited to some kecamatan learns nothing of anyone outside them, not even
    # that their NIK is in the list: such a NIK is "not in the list of your kecamatan".
    found = {
        resident.nik: resident
        for resident in Resident.objects.visible_to(by)
        .filter(
            campaign_id=visit.campaign_id,
            nik__in={nik for nik in niks.values() if isinstance(nik, str)},
        )
        .select_related("desa")
    }
    scoped = OperatorScope.kecamatan_codes_for(by) is not None
    saved, problems, seen = [], [], set()

    def refuse(token, code, reason):
        problems.append({"nik": token, "code": code, "reason": str(reason)})

    with transaction.atomic():
        for token in tokens:
            nik = niks[token]
            if isinstance(nik, NikError):
                refuse(token, nik.code, nik.message)
                continue
            if nik in seen:
                refuse(token, "pasted_twice", _("Pasted more than once."))
                continue
            seen.add(nik)
            resident = found.get(nik)
            if resident is None:
                refuse(token, "unknown", _unknown_reason(nik, scoped))
            else:
                try:
                    resident_set_status(
                        resident=resident,
                        status=Resident.Status.RECORDED,
                        by=by,
                        visit=visit,
                        note=_("Recorded from a pasted list of NIKs."),
                    )
                except ValidationError as error:
                    refuse(token, error.code, " ".join(error.messages))
                else:
                    saved.append({"nik": nik, "name": resident.name})
    return saved, problems


def _unknown_reason(nik, scoped):
    if scoped:
        unknown = _("No one with this NIK is in the list of your kecamatan.")
    else:
        unknown = _("No one with this NIK is in the campaign's list.")
    if nik.endswith("0"):
        return _(
            "%(unknown)s If it was copied from Excel, its last digit may have been rounded to "
            "0: format the NIK column as Text and copy it again."
        ) % {"unknown": unknown}
    return unknown


def nik_search_record(*, user, campaign: Campaign, nik: str) -> None:
    """Log a whole-NIK search before it is run; over the daily limit, refuse it.

    Those who may see NIKs search without limit, in the audit log all the same. Those who see
    them masked search a few times a day (``nik_lookup_record``); over the limit this raises
    ValidationError (code nik_lookup_limit). Not atomic as a whole on purpose: the refusal is
    logged by then, and must stay logged.
    """
    if may_see_nik(user):
        nik_search_audit(user=user, campaign=campaign, nik=nik)
    elif nik_lookup_record(user=user, campaign=campaign, nik=nik).refused:
        raise ValidationError(nik_lookup_refusal(), code="nik_lookup_limit")


@transaction.atomic
def nik_lookup_record(*, user, campaign: Campaign, nik: str) -> NikLookup:
    """A whole-NIK search by someone who sees NIKs masked: limited per day, and logged.

    Such a search confirms that a NIK exists. With the birth date the only hidden part of a
    masked NIK (about 730 candidates), a limit of a few a day makes guessing one person's
    NIK take weeks, while a koordinator checking the cards in front of them is not hindered.
    Over the limit nothing is searched (``refused``), and the refusal is logged too.
    """
    # One user's searches queue here, so that parallel requests cannot pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    day_start = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    used = NikLookup.objects.filter(user=user, at__gte=day_start, refused=False).count()
    lookup = NikLookup(user=user, campaign=campaign, masked_nik=mask_nik(nik))
    lookup.refused = used >= settings.NIK_LOOKUPS_PER_DAY
    if not lookup.refused:
        lookup.found = Resident.objects.visible_to(user).filter(campaign=campaign, nik=nik).first()
    lookup.save()
    if lookup.refused:
        outcome = gettext("refused: over the daily limit")
    else:
        outcome = gettext("found") if lookup.found else gettext("not found")
    nik_search_audit(user=user, campaign=campaign, nik=nik, outcome=outcome)
    return lookup


def nik_search_audit(*, user, campaign: Campaign, nik: str, outcome: str = "") -> None:
    """A whole-NIK search in the audit log, the NIK masked: every one, by any role."""
    audit_record(
        action=AuditEntry.Action.NIK_SEARCH,
        description=f"{mask_nik(nik)}: {outcome}" if outcome else mask_nik(nik),
        user=user,
        campaign=campaign,
    )


def nik_lookup_refusal() -> str:
    return _(
        "You have searched by a whole NIK %(limit)s times today, the most allowed for those "
        "who see NIKs masked. Search by name or by the last 4 digits, or try again tomorrow."
    ) % {"limit": settings.NIK_LOOKUPS_PER_DAY}


# --- Retention (UU 27/2022): a closed campaign's residents removed, every count kept ----------

# What stands in a note for a resident's name or NIK once they are removed.
REMOVED = "[…]"
# A NIK as Resident.__str__ and the koordinators' pages mask it, and a NIK masked whole.
_MASKED_NIK = re.compile(r"\b\d{0,2}x{10,}\d{0,4}\b")
_WORD = re.compile(r"\w+")


@dataclass
class PurgeResult:
    dry_run: bool
    residents: int  # rows of the list removed
    history: int  # their django-simple-history records removed
    notes: int  # ledger entries (and their history records) whose note named residents
    purge_from: datetime.date


def campaign_closed_on(campaign: Campaign) -> datetime.date | None:
    """The day the campaign was last set to closed (from its history), None when open."""
    if not campaign.is_closed:
        return None
    since = None
    for status, when in campaign.history.order_by("-history_date", "-history_id").values_list(
        "status", "history_date"
    ):
        if status != Campaign.Status.CLOSED:
            break
        since = when
    # A campaign created closed, or loaded without history: its last day stands in.
    return timezone.localdate(since) if since else campaign.last_day


def resident_purge_date(campaign: Campaign) -> datetime.date | None:
    """The first day a closed campaign's residents may be removed: RESIDENT_RETENTION_DAYS
    after its last day or its closing, whichever is later; None while it is open."""
    closed_on = campaign_closed_on(campaign)
    if closed_on is None:
        return None
    start = max(closed_on, campaign.last_day)
    return start + datetime.timedelta(days=settings.RESIDENT_RETENTION_DAYS)


@transaction.atomic
def residents_purge(*, campaign: Campaign, by=None, dry_run: bool) -> PurgeResult:
    """Remove the names, NIKs and birth dates of a closed campaign's residents (UU 27/2022).

    The resident rows and their history records go; every ledger note that names one of
    them, or carries a NIK, has it replaced by "[…]" (in the ledger's history too). Every
    number stays: the target is the ledger's sum and the recorded count the daily reports'
    (reports.progress), and neither loses a row. Refused (code campaign_not_closed or
    retention_period) for an open campaign or before resident_purge_date. A dry run counts
    what would go and changes nothing; the purge itself is in the audit log.
    """
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    purge_from = resident_purge_date(campaign)
    if purge_from is None:
        raise ValidationError(
            _("Campaign %(campaign)s is not closed: its residents are still needed."),
            code="campaign_not_closed",
            params={"campaign": campaign.name},
        )
    if timezone.localdate() < purge_from:
        raise ValidationError(
            _(
                "The residents of %(campaign)s may be removed from %(date)s on: %(days)s days "
                "after the campaign's last day or its closing, whichever is later."
            ),
            code="retention_period",
            params={
                "campaign": campaign.name,
                "date": date_format(purge_from, "SHORT_DATE_FORMAT"),
                "days": settings.RESIDENT_RETENTION_DAYS,
            },
        )
    residents = Resident.objects.filter(campaign=campaign)
    history = Resident.history.filter(campaign_id=campaign.pk)
    names = _resident_names(residents, history)
    notes = _scrub_ledger_notes(campaign, names, dry_run=dry_run)
    result = PurgeResult(
        dry_run=dry_run,
        residents=residents.count(),
        history=history.count(),
        notes=notes,
        purge_from=purge_from,
    )
    if dry_run:
        return result
    _delete_residents(campaign, residents)
    history.delete()  # after the rows: a deletion through the ORM writes history records
    audit_record(
        action=AuditEntry.Action.PURGE,
        description=gettext(
            "%(residents)s residents and %(history)s history records removed; "
            "%(notes)s notes cleaned"
        )
        % {"residents": result.residents, "history": result.history, "notes": result.notes},
        user=by,
        campaign=campaign,
    )
    return result


def _normal_name(text: str) -> str:
    return " ".join(_WORD.findall(text)).casefold()


def _resident_names(residents, history) -> set[str]:
    """Every name the campaign's residents had, as words in lower case."""
    names = set()
    for queryset in (residents, history):
        for name in queryset.values_list("name", flat=True).distinct().iterator(chunk_size=5000):
            normal = _normal_name(name)
            if normal:
                names.add(normal)
    return names


def scrub_names(text: str, names: set[str]) -> str:
    """`text` with each NIK (whole or masked) and each run of words that is a full name in
    `names` (as _normal_name gives them) replaced by REMOVED; the longest name first."""
    text = _MASKED_NIK.sub(REMOVED, mask_niks_in_text(text))
    longest = max((name.count(" ") + 1 for name in names), default=0)
    words = list(_WORD.finditer(text))
    spans, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            run = words[i : i + n]
            if " ".join(w.group() for w in run).casefold() in names:
                spans.append((run[0].start(), run[-1].end()))
                i += n
                break
        else:
            i += 1
    for start, end in reversed(spans):
        text = text[:start] + REMOVED + text[end:]
    return text


def _scrub_ledger_notes(campaign, names, *, dry_run) -> int:
    """Clean the notes of the campaign's ledger and of its history, and (through the
    residents_purging signal) those of the apps above, such as the daily reports' notes."""
    cleaned = scrub_notes(
        [
            (BacklogEntry.objects.filter(campaign=campaign), ["note"]),
            (
                BacklogEntry.history.filter(campaign_id=campaign.pk),
                ["note", "history_change_reason"],
            ),
        ],
        names,
        dry_run=dry_run,
    )
    responses = residents_purging.send(
        sender=Resident, campaign=campaign, names=names, dry_run=dry_run
    )
    return cleaned + sum(count for _receiver, count in responses)


def scrub_notes(querysets_and_fields, names, *, dry_run) -> int:
    """Clean free-text fields of each queryset with scrub_names; how many rows changed."""
    cleaned = 0
    for rows, fields in querysets_and_fields:
        model = rows.model
        pk = model._meta.pk.attname
        changed = []
        for row in rows.only(pk, *fields).iterator(chunk_size=2000):
            dirty = False
            for field in fields:
                value = getattr(row, field)
                if not value:
                    continue
                new = scrub_names(value, names)[: model._meta.get_field(field).max_length]
                if new != value:
                    setattr(row, field, new)
                    dirty = True
            if dirty:
                changed.append(row)
        cleaned += len(changed)
        if changed and not dry_run:
            model._default_manager.bulk_update(changed, fields, batch_size=1000)
    return cleaned


def _delete_residents(campaign, residents) -> None:
    """Delete the rows in one statement: a million residents go in seconds, and no
    django-simple-history record of each deletion (which would keep the name) is written."""
    relations = [
        field
        for field in Resident._meta.get_fields(include_hidden=True)  # related_name="+" too
        if field.auto_created and not field.concrete
    ]
    if any(rel.on_delete is not models.SET_NULL for rel in relations):
        residents.delete()  # a relation the fast way would break: the ORM's own way
        return
    for rel in relations:  # e.g. NikLookup.found: the search stays, without whom it found
        rel.related_model._base_manager.filter(**{f"{rel.field.name}__campaign": campaign}).update(
            **{rel.field.name: None}
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Resident._meta.db_table)} "
            "WHERE campaign_id = %s",
            [campaign.pk],
        )
