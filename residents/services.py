"""Writing the backlog ledger."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Kecamatan
from reports.services import is_admin
from residents.models import BacklogEntry


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
) -> BacklogEntry:
    """Record a clean-up (deceased, moved out, duplicate) or new first-time voters.

    `count` is how many people; the sign follows the kind. The target changes from `date` on.
    """
    if campaign.status == Campaign.Status.CLOSED and not is_admin(by):
        raise ValidationError(
            _("Campaign %(campaign)s is closed; its backlog can no longer change."),
            code="campaign_closed",
            params={"campaign": campaign.name},
        )
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
    entry._history_user = by
    entry.save()
    return entry
