"""Who may change a campaign's data."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign


def is_admin(user) -> bool:
    """Admins (Dukcapil head office) may correct locked data, with a reason."""
    return user.has_perm("campaigns.change_campaign")


def campaign_check_open(*, campaign: Campaign, by) -> None:
    """Refuse any change to a closed campaign's data, unless an admin makes it."""
    if campaign.status == Campaign.Status.CLOSED and not is_admin(by):
        raise ValidationError(
            _("Campaign %(campaign)s is closed; only an admin can still correct it."),
            code="campaign_closed",
            params={"campaign": campaign.name},
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
