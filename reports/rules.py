"""What a visit's report form shows and asks, decided once for the page, the service and the
admin: whether it may be sent, why not, and when a reason must come with it."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import OperatorScope
from campaigns.roles import is_admin
from campaigns.services import campaign_check_open

# After the visit's day plus this many days, a correction needs a reason.
CORRECTION_GRACE_DAYS = 2


def may_report(user) -> bool:
    """Operators (and admins) send the daily reports of visits."""
    return user.has_perm("reports.add_dailyreport")


def is_operator(user) -> bool:
    """Someone who reports from the field and does not run the campaign: lands on today's
    visits rather than on a dashboard."""
    return may_report(user) and not is_admin(user)


@dataclass(frozen=True)
class ReportRules:
    may_send: bool  # the form is shown and may be sent
    refusal: str  # why not, shown instead of the form ("" when it may be sent)
    reason_shown: bool  # the "reason for the change" field is shown from the start
    # The form is shown with its values but disabled and without a button (a closed
    # campaign): the operator sees what was sent and why nothing more can be.
    read_only: bool = False


def daily_report_rules(*, visit, report, user) -> ReportRules:
    """What the report page of `visit` shows `user`; the service enforces the same rules."""
    if not may_report(user):
        return ReportRules(may_send=False, refusal="", reason_shown=False)
    if visit.is_future:
        refusal = gettext("This visit has not happened yet; report it on the day.")
        return ReportRules(may_send=False, refusal=refusal, reason_shown=False)
    try:
        campaign_check_open(campaign=visit.campaign, by=user)
    except ValidationError as closed:
        return ReportRules(
            may_send=False, refusal=closed.messages[0], reason_shown=False, read_only=True
        )
    shown = report is not None or visit.campaign.is_closed
    return ReportRules(may_send=True, refusal="", reason_shown=shown)


def report_reason_error(*, visit, report) -> ValidationError | None:
    """Why a reason must come with this save, or None: every change to a closed campaign's
    report, and a correction more than CORRECTION_GRACE_DAYS after the visit."""
    if visit.campaign.is_closed:
        return ValidationError(
            _("The campaign is closed: say why this report is corrected."),
            code="reason_required",
        )
    late = timezone.localdate() > visit.date + datetime.timedelta(days=CORRECTION_GRACE_DAYS)
    if report is not None and late:
        return ValidationError(
            _(
                "This visit was on %(date)s; a correction more than %(days)s days "
                "later needs a reason."
            ),
            code="reason_required",
            params={
                "date": date_format(visit.date, "SHORT_DATE_FORMAT"),
                "days": CORRECTION_GRACE_DAYS,
            },
        )
    return None


def may_propose(user) -> bool:
    """Admins, and operators not limited to some kecamatan: a proposal spans the kabupaten."""
    return is_admin(user) or (may_report(user) and OperatorScope.kecamatan_codes_for(user) is None)
