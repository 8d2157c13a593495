"""Daily reports: the counts of one visit, with every change kept."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import MAX_DAILY_COUNT, NOTE_MAX_LENGTH, Versioned
from campaigns.services import visit_check_happened


class DailyReportQuerySet(models.QuerySet):
    def up_to(self, day):
        """Reports of visits dated up to `day`: what counts as recorded on that day."""
        return self.filter(visit__date__lte=day)


class DailyReport(Versioned):
    """The counts of one visit. One per visit: sending again edits it, never counts twice."""

    visit = models.OneToOneField(
        "campaigns.Visit", models.PROTECT, related_name="report", verbose_name=_("visit")
    )
    # One set on one day: never above MAX_DAILY_COUNT. Well below it, a count far above what
    # a set records in a day asks to confirm and is flagged (reports.services.outlier_reason).
    recorded_count = models.PositiveIntegerField(
        _("recorded"),
        validators=[MaxValueValidator(MAX_DAILY_COUNT)],
        help_text=_("Residents whose e-KTP data was recorded."),
    )
    first_time_voters = models.PositiveIntegerField(
        _("of whom first-time voters"),
        default=0,
        validators=[MaxValueValidator(MAX_DAILY_COUNT)],
    )
    failed_count = models.PositiveIntegerField(
        _("failed attempts"),
        default=0,
        validators=[MaxValueValidator(MAX_DAILY_COUNT)],
        help_text=_("For example: fingerprints that could not be read."),
    )
    # A TextField's max_length only sizes its form field: the validator holds it in full_clean.
    notes = models.TextField(
        _("notes"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
    )
    # Set when a count is far above what a set can record in a day (see services).
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_reason = models.CharField(_("why it needs review"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Who changed a count, when, the old and new values, and why.
    history = HistoricalRecords()
    objects = DailyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-visit__date"]
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_time_voters__lte=F("recorded_count")),
                name="dailyreport_first_time_within_recorded",
                violation_error_code="first_time_exceeds_recorded",
                violation_error_message=_("First-time voters cannot exceed the number recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.visit}: {self.recorded_count}"

    def clean(self):
        # Who may change a report when (closed campaigns, late corrections) is decided
        # in reports.services, which knows the user.
        errors = {}
        recorded, first = self.recorded_count, self.first_time_voters
        if recorded is not None and first is not None and first > recorded:
            errors["first_time_voters"] = ValidationError(
                _("First-time voters (%(first)s) cannot exceed those recorded (%(recorded)s)."),
                code="first_time_exceeds_recorded",
                params={"first": first, "recorded": recorded},
            )
        if self.visit_id:
            try:
                visit_check_happened(visit=self.visit)
            except ValidationError as error:
                errors["visit"] = error
        if errors:
            raise ValidationError(errors)


class ReportSubmission(models.Model):
    """A report sent from a phone, by the id the phone made for it: a report typed without a
    signal may reach the server twice (a retry, Background Sync and the page both sending)
    and must count once. Kept for the submissions that were applied."""

    id = models.UUIDField(primary_key=True, editable=False)
    report = models.ForeignKey(
        DailyReport, models.CASCADE, related_name="submissions", verbose_name=_("daily report")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The report's version once applied: a later send made on top of this one, offline, is
    # applied in turn only while nobody else changed the report since (services).
    version = models.PositiveIntegerField(_("version"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        indexes = [models.Index(fields=["report", "-received_at"], name="submission_report_idx")]

    def __str__(self):
        return str(self.id)
