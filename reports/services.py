"""Saving a visit's daily report: one report a visit, every change kept, odd counts checked."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models import Visit
from campaigns.services import campaign_check_open, count_check_confirmed
from reports.models import DailyReport, ReportSubmission
from reports.rules import report_reason_error

REPORT_FIELDS = ["recorded_count", "first_time_voters", "failed_count", "notes"]
# A count above this many times the campaign's best day so far asks for confirmation.
OUTLIER_FACTOR = 2
# Without a maximum per set for the campaign, a count above this asks for confirmation: one
# person every minute and a half for twelve hours, several times the 75 a day of the TTU sets.
# (models.MAX_DAILY_COUNT is the hard limit; between the two, the operator confirms.)
PLAUSIBLE_DAILY_PER_SET = 500


@transaction.atomic
def daily_report_save(
    *,
    visit: Visit,
    data: dict,
    by,
    reason: str = "",
    confirmed: bool = False,
    version: int | None = None,
) -> DailyReport:
    """Create the visit's report or edit it. Sending the same again changes nothing.

    `version` is the report's version when the form was opened (0 when there was none).
    When someone saved the report since, nothing is saved: StaleReport carries their report,
    and the form shows both. Without a version (a script), the last save wins.

    Raises ValidationError with a code: campaign_closed, reason_required,
    needs_confirmation (a count far above what a set records in a day; send again
    with confirmed=True and it is saved, flagged for review), or a model rule.
    """
    # Lock the visit: two first submissions (a double tap, a retry after a dropped
    # connection) queue here, and the second finds the first's report and edits it.
    visit = _locked(visit)
    return _save_locked(
        visit=visit,
        report=_report_of(visit),
        data=data,
        by=by,
        reason=reason,
        confirmed=confirmed,
        version=version,
    )


def _locked(visit: Visit) -> Visit:
    """The visit, locked until the transaction ends, with its campaign read but not locked:
    locking the campaign's row too would make every report of the campaign wait for the
    one being saved (under load, operators of one regency sending at once queue behind one
    another). A campaign closed at the same instant takes the report as sent just before."""
    return Visit.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=visit.pk)


def _report_of(visit: Visit) -> DailyReport | None:
    """The locked visit's report, its visit the one in hand (full_clean reads it)."""
    report = DailyReport.objects.filter(visit=visit).order_by().first()
    if report is not None:
        report.visit = visit
    return report


def _save_locked(*, visit, report, data, by, reason, confirmed, version) -> DailyReport:
    """daily_report_save once the visit is locked (with its campaign) and its report read."""
    daily_report_check_may_change(visit=visit, report=report, by=by, reason=reason)
    if report and all(getattr(report, field) == data[field] for field in REPORT_FIELDS):
        return report
    if report and version is not None and version != report.version:
        raise StaleReport(report)
    report = report or DailyReport(visit=visit, created_by=by)
    for field in REPORT_FIELDS:
        setattr(report, field, data[field])
    # The visit is locked and the user is the one sending: no query to check they exist.
    # One report a visit is the lock's to keep (and the database's unique index), and the
    # check constraint is clean()'s first rule: neither needs a query of its own here.
    report.full_clean(
        exclude=["visit", "created_by"], validate_unique=False, validate_constraints=False
    )

    review_reason = outlier_reason(visit=visit, recorded_count=report.recorded_count)
    count_check_confirmed(field="recorded_count", reason=review_reason, confirmed=confirmed)
    report.needs_review, report.review_reason = bool(review_reason), review_reason
    report._change_reason = reason
    report._history_user = by
    report.save()
    return report


@transaction.atomic
def daily_report_submit(
    *,
    visit: Visit,
    data: dict,
    by,
    submission_id: uuid.UUID,
    after: uuid.UUID | None = None,
    reason: str = "",
    confirmed: bool = False,
    version: int | None = None,
) -> DailyReport:
    """daily_report_save for a send that carries the id the phone made for it: the same id
    twice is applied once, so a report kept offline and sent again is never doubled.

    `after` is the id of the phone's previous send for this visit, made before this one and
    maybe not yet applied when this one was typed (two offline edits). When that send is what
    the report holds now, this edit was made on top of it and is applied; when someone else
    saved since, the version check shows both, as for any stale form.
    """
    # Lock the visit first: two sends of one id (Background Sync and the page) queue here.
    visit = _locked(visit)
    done = ReportSubmission.objects.select_related("report").filter(pk=submission_id).first()
    if done is not None:
        if done.report.visit_id != visit.pk:
            raise ValidationError(
                _("This send belongs to another visit."), code="submission_reused"
            )
        return done.report
    report = _report_of(visit)
    if after is not None and report is not None:
        previous = ReportSubmission.objects.filter(pk=after, report=report).first()
        if previous is not None and previous.version == report.version:
            version = report.version
    # The visit locked once: daily_report_save's own steps, without locking it again.
    report = _save_locked(
        visit=visit,
        report=report,
        data=data,
        by=by,
        reason=reason,
        confirmed=confirmed,
        version=version,
    )
    try:
        with transaction.atomic():
            ReportSubmission.objects.create(
                id=submission_id, report=report, user=by, version=report.version
            )
    except IntegrityError:  # the same id sent for another visit at the same moment
        raise ValidationError(
            _("This send belongs to another visit."), code="submission_reused"
        ) from None
    return report


@transaction.atomic
def daily_report_review(*, report: DailyReport, needs_review: bool, by, reason: str = ""):
    """An admin's review: a flagged report is cleared (or flagged again by hand)."""
    report = DailyReport.objects.select_for_update().get(pk=report.pk)
    if report.needs_review == needs_review:
        return report
    report.needs_review = needs_review
    report.review_reason = report.review_reason if needs_review else ""
    report._change_reason = reason
    report._history_user = by
    report.save()
    return report


class StaleReport(ValidationError):
    """The report was saved by someone else after the form was opened."""

    def __init__(self, report):
        super().__init__(
            _(
                "%(who)s saved this report after you opened it. Their values and yours are "
                "shown below: send again to replace theirs with yours, or open the report "
                "again to keep theirs."
            ),
            code="stale",
            params={"who": report.history.first().history_user or _("Someone")},
        )
        self.report = report


def daily_report_check_may_change(*, visit: Visit, report: DailyReport | None, by, reason: str):
    """Refuse a save the rules forbid: a closed campaign (admins only, with a reason), a late
    correction without a reason. The admin's form asks it too."""
    campaign_check_open(campaign=visit.campaign, by=by)
    error = report_reason_error(visit=visit, report=report)
    if error and not reason:
        raise ValidationError({"reason": error})


def outlier_reason(*, visit: Visit, recorded_count: int) -> str:
    """Why a count is far above what one set records in a day, or "" when it is not.

    Like DHIS2's min-max checks: above the campaign's maximum per set (without one, above
    PLAUSIBLE_DAILY_PER_SET), or more than twice the best day any set of the campaign has
    reported so far.
    """
    limit = visit.campaign.max_daily_per_set
    if limit is not None and recorded_count > limit:
        return gettext("%(count)s is above the campaign's maximum of %(limit)s per set a day.") % {
            "count": recorded_count,
            "limit": limit,
        }
    if limit is None and recorded_count > PLAUSIBLE_DAILY_PER_SET:
        return gettext(
            "%(count)s is above %(limit)s, more than a set plausibly records in a day."
        ) % {
            "count": recorded_count,
            "limit": PLAUSIBLE_DAILY_PER_SET,
        }
    best = (
        DailyReport.objects.filter(visit__campaign_id=visit.campaign_id)
        .exclude(visit=visit)
        .aggregate(best=Max("recorded_count"))["best"]
    )
    if best and recorded_count > OUTLIER_FACTOR * best:
        return gettext(
            "%(count)s is more than twice the best day any set has reported so far (%(best)s)."
        ) % {"count": recorded_count, "best": best}
    return ""
