"""The rules every change to a campaign's data follows: closed campaigns, visits not yet
happened, counts far above the plausible."""

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Visit
from campaigns.roles import is_admin


def campaign_check_open(*, campaign: Campaign, by) -> None:
    """Refuse any change to a closed campaign's data, unless an admin makes it."""
    if campaign.is_closed and not is_admin(by):
        raise ValidationError(
            _("Campaign %(campaign)s is closed; only an admin can still correct it."),
            code="campaign_closed",
            params={"campaign": campaign.name},
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
