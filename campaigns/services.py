"""The rules every change to a campaign's data follows: closed campaigns, visits not yet
happened, counts far above the plausible; and visits created in bulk from a proposal."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Visit
from campaigns.roles import is_admin
from devices.models import Device
from regions.models import Desa, Kecamatan


def campaign_check_open(*, campaign: Campaign, by) -> None:
    """Refuse any change to a closed campaign's data, unless an admin makes it: closed by an
    admin, or past its last day (Campaign.is_closed)."""
    if not campaign.is_closed or is_admin(by):
        return
    if campaign.status == Campaign.Status.CLOSED:
        raise ValidationError(
            _("Campaign %(campaign)s is closed; only an admin can still correct it."),
            code="campaign_closed",
            params={"campaign": campaign.name},
        )
    raise ValidationError(
        _(
            "Campaign %(campaign)s ended on %(date)s and is closed; only an admin can still "
            "correct it."
        ),
        code="campaign_closed",
        params={
            "campaign": campaign.name,
            "date": date_format(campaign.last_day, "SHORT_DATE_FORMAT"),
        },
    )


def visit_check_happened(*, visit: Visit) -> None:
    """Refuse what can only be done at or after a visit (a report, a resident recorded at it)
    before its day."""
    if visit.is_future:
        raise ValidationError(
            _("The visit on %(date)s has not happened yet."),
            code="future_visit",
            params={"date": date_format(visit.date, "SHORT_DATE_FORMAT")},
        )


def count_check_confirmed(*, field: str, reason: str, confirmed: bool) -> None:
    """A count far above the plausible (`reason` says why, "" when it is not) is saved only
    once the sender confirms it; it is then flagged for review. Reports and the ledger."""
    if reason and not confirmed:
        raise ValidationError(
            {
                field: ValidationError(
                    _("%(reason)s Check the number; if it is right, confirm it and send again."),
                    code="needs_confirmation",
                    params={"reason": reason},
                )
            }
        )


@dataclass(frozen=True)
class VisitDraft:
    """A visit to create: a set (by code) at a kecamatan (and desa) on a date."""

    date: datetime.date
    device: str
    kecamatan: str
    desa: str | None = None
    site_name: str = ""
    planned_count: int = 0


@dataclass
class VisitsCreated:
    created: list  # Visit
    refused: list  # (VisitDraft, message)


@transaction.atomic
def visits_create(*, campaign: Campaign, drafts: list, by) -> VisitsCreated:
    """Create the visits of an accepted proposal, each through the admin's rules
    (Visit.full_clean: the campaign's dates, no double booking, a stationary set at its
    office, none under repair).

    One transaction, and one savepoint per visit: a refused visit (a colleague booked the
    set meanwhile) is reported back with its reason while the others are created. Each
    visit stands on its own, and the admin chose them one by one; losing thirty good
    visits to one taken set would only make them accept again, minus that one.
    """
    if not is_admin(by):
        raise PermissionDenied
    devices = {d.code: d for d in Device.objects.filter(code__in={d.device for d in drafts})}
    kecamatan = Kecamatan.objects.in_bulk({d.kecamatan for d in drafts})
    desa = Desa.objects.in_bulk({d.desa for d in drafts if d.desa})
    result = VisitsCreated(created=[], refused=[])
    for draft in sorted(drafts, key=lambda d: (d.date, d.device)):
        device = devices.get(draft.device)
        known = device and draft.kecamatan in kecamatan and (not draft.desa or draft.desa in desa)
        if not known:
            result.refused.append((draft, gettext("Unknown recording set or place.")))
            continue
        visit = Visit(
            campaign=campaign,
            date=draft.date,
            device=device,
            kecamatan=kecamatan[draft.kecamatan],
            desa=desa.get(draft.desa) if draft.desa else None,
            site_name=draft.site_name[: Visit._meta.get_field("site_name").max_length],
            planned_count=draft.planned_count,
        )
        visit._history_user = by  # django-simple-history: who made it
        try:
            with transaction.atomic():
                visit.full_clean()
                visit.save()
        except ValidationError as error:
            result.refused.append((draft, " ".join(error.messages)))
        except IntegrityError:  # booked by someone else between the check and the save
            result.refused.append(
                (draft, gettext("This recording set already has a visit on that date."))
            )
        else:
            result.created.append(visit)
    return result


def campaigns_close_past(*, today: datetime.date) -> list[Campaign]:
    """Set to closed every campaign whose last day is before `today` (`close_campaigns`, run
    daily). They are closed for reporting already (Campaign.is_closed); this writes it in the
    status, so that lists and filters show it, with the reason in the campaign's history."""
    closed = []
    for campaign in Campaign.objects.past_but_not_closed(today).order_by("pk"):
        with transaction.atomic():
            campaign.status = Campaign.Status.CLOSED
            campaign._change_reason = gettext(
                "Closed automatically after its last day, %(date)s."
            ) % {"date": date_format(campaign.last_day, "SHORT_DATE_FORMAT")}
            campaign.save(update_fields=["status"])
        closed.append(campaign)
    return closed


@dataclass
class VisitMoves:
    """What visits_move did: the visits moved, and those left with the reason why."""

    moved: list[Visit] = field(default_factory=list)
    refused: list[tuple[Visit, ValidationError]] = field(default_factory=list)


def visits_move(*, device: Device, to_device: Device, from_date: datetime.date, by) -> VisitMoves:
    """Move `device`'s visits on or after `from_date` to `to_device`, as far as the rules allow.

    For a set that broke down. Each visit without a report is checked as the admin checks it
    (Visit.full_clean: the target not booked elsewhere that day, a stationary target only at
    its office, the target working that day, the campaign not closed) and moved, or left with
    the reason (codes as Visit.clean's; `reported` for a visit with a report, which stays: it
    took place with this set).

    One transaction per visit, not one for all: each move stands on its own (a visit on
    another day), the admin wants every possible move made and told which were not, and a
    failure half way leaves each visit wholly moved or wholly not; running it again moves
    what is left. The database's one-visit-per-set-per-day constraint stops a booking made
    meanwhile by someone else.
    """
    if not by.has_perm("campaigns.change_visit"):
        raise PermissionDenied
    result = VisitMoves()
    reported = Visit.objects.filter(pk=OuterRef("pk"), report__isnull=False)
    visits = (
        device.visits.filter(date__gte=from_date)
        .with_place()
        .annotate(reported=Exists(reported))
        .order_by("date", "pk")
    )
    reason = gettext("Moved from set %(from)s to %(to)s.") % {
        "from": device.code,
        "to": to_device.code,
    }
    for visit in visits:
        if visit.reported:
            error = ValidationError(
                _("It has a report already: it took place with this set."), code="reported"
            )
            result.refused.append((visit, error))
            continue
        try:
            with transaction.atomic():
                visit.device = to_device
                # Its own double-booking check names the place; the constraint is the database's.
                visit.full_clean(validate_constraints=False)
                visit._change_reason = reason
                visit.save()
        except ValidationError as error:
            visit.device = device
            result.refused.append((visit, error))
        except IntegrityError:
            visit.device = device
            error = ValidationError(
                _("Set %(device)s was booked on that day meanwhile."),
                code="device_double_booked",
                params={"device": to_device.code},
            )
            result.refused.append((visit, error))
        else:
            result.moved.append(visit)
    return result
