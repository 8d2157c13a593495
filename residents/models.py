"""The backlog ledger: residents not yet recorded, per kecamatan, as dated entries."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Right
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import NOTE_MAX_LENGTH

# The most one ledger entry can change a kecamatan's backlog, either way. Those who must
# record are at most about three in four residents, and the most populous kecamatan have
# about half a million residents: a bigger entry is a typing error and is never stored.
# Well below it, an addition larger than the kecamatan's backlog asks to confirm and is
# flagged (residents.services.backlog_outlier_reason).
MAX_LEDGER_CHANGE = 500_000
# How far before the campaign's start an entry may be dated: the backlog list is exported,
# and cleaned up, while the drive is prepared. Entries after its last day are refused too.
LEDGER_DAYS_BEFORE_START = 366


def earliest_date(campaign) -> datetime.date:
    """The first date a ledger entry of the campaign may have (LEDGER_DAYS_BEFORE_START)."""
    try:
        return campaign.start_date - datetime.timedelta(days=LEDGER_DAYS_BEFORE_START)
    except OverflowError:
        return datetime.date.min


class BacklogEntryQuerySet(models.QuerySet):
    def up_to(self, day):
        """Entries dated up to `day`: their sum is the target on that day."""
        return self.filter(date__lte=day)

    def total(self):
        return self.aggregate(total=Sum("change"))["total"] or 0


class BacklogEntry(models.Model):
    """One dated change of a kecamatan's backlog. The target on a date is the sum up to it."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        DECEASED = "deceased", _("Deceased")
        MOVED_OUT = "moved_out", _("Moved out")
        DUPLICATE = "duplicate", _("Duplicate")
        FIRST_TIME_VOTER = "first_time_voter", _("New first-time voters")
        # Undoes a removal made by mistake (a resident marked deceased who is alive).
        CORRECTION = "correction", _("Correction")

    REMOVALS = [Kind.DECEASED, Kind.MOVED_OUT, Kind.DUPLICATE]

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        related_name="backlog_entries",
        verbose_name=_("campaign"),
    )
    kecamatan = models.ForeignKey(
        "regions.Kecamatan",
        models.PROTECT,
        related_name="backlog_entries",
        verbose_name=_("district (kecamatan)"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    change = models.IntegerField(
        _("change"),
        validators=[
            MinValueValidator(-MAX_LEDGER_CHANGE),
            MaxValueValidator(MAX_LEDGER_CHANGE),
        ],
        help_text=_("Negative for deceased, moved out and duplicates; positive otherwise."),
    )
    # A TextField's max_length only sizes its form field: the validator holds it in full_clean.
    note = models.TextField(
        _("note"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH)],
    )
    # Set when an addition is far above the kecamatan's backlog (see services).
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

    history = HistoricalRecords()
    objects = BacklogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "kecamatan", "date", "pk"]
        verbose_name = _("backlog entry")
        verbose_name_plural = _("backlog ledger")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="baseline", change__gte=0)
                    | Q(kind="first_time_voter", change__gt=0)
                    | Q(kind__in=["deceased", "moved_out", "duplicate"], change__lt=0)
                    | (Q(kind="correction") & ~Q(change=0))
                ),
                name="backlogentry_sign_matches_kind",
                violation_error_code="wrong_sign",
                violation_error_message=_(
                    "Deceased, moved out and duplicates lower the backlog (a negative change); "
                    "a baseline or new first-time voters raise it."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "kecamatan", "date"], name="backlog_camp_kec_date_idx")
        ]

    def __str__(self):
        return f"{self.kecamatan} {date_format(self.date, 'SHORT_DATE_FORMAT')} {self.change:+d}"

    def clean(self):
        errors = {}
        if self.kind and self.change is not None:
            error = self._sign_error()
            if error:
                errors["change"] = error
        if self.campaign_id and self.kecamatan_id:
            if self.kecamatan.kabupaten_id != self.campaign.kabupaten_id:
                errors["kecamatan"] = ValidationError(
                    _("Kecamatan %(kecamatan)s is not in %(kabupaten)s."),
                    code="kecamatan_outside_campaign",
                    params={
                        "kecamatan": self.kecamatan.name,
                        "kabupaten": self.campaign.kabupaten.name,
                    },
                )
            elif self.date and self.date > self.campaign.last_day:
                errors["date"] = ValidationError(
                    _("The date cannot be after the campaign's last day, %(end)s."),
                    code="after_campaign",
                    params={"end": date_format(self.campaign.last_day, "SHORT_DATE_FORMAT")},
                )
            elif self.date and self.date < earliest_date(self.campaign):
                errors["date"] = ValidationError(
                    _(
                        "The date cannot be before %(earliest)s: entries go back at most a "
                        "year before the campaign's start, %(start)s."
                    ),
                    code="before_campaign",
                    params={
                        "earliest": date_format(earliest_date(self.campaign), "SHORT_DATE_FORMAT"),
                        "start": date_format(self.campaign.start_date, "SHORT_DATE_FORMAT"),
                    },
                )
            elif "change" not in errors and self.change is not None and self.date:
                error = self._below_zero_error()
                if error:
                    errors["change"] = error
        if errors:
            raise ValidationError(errors)

    def _sign_error(self):
        if self.kind in self.REMOVALS and self.change >= 0:
            return ValidationError(
                _("%(kind)s lowers the backlog: enter a negative number, e.g. -%(n)s."),
                code="wrong_sign",
                params={"kind": self.get_kind_display(), "n": abs(self.change) or 1},
            )
        if self.kind == self.Kind.FIRST_TIME_VOTER and self.change <= 0:
            return ValidationError(
                _("New first-time voters raise the backlog: enter a number above 0."),
                code="wrong_sign",
            )
        if self.kind == self.Kind.CORRECTION and self.change == 0:
            return ValidationError(_("A correction cannot be 0."), code="wrong_sign")
        if self.kind == self.Kind.BASELINE and self.change < 0:
            return ValidationError(_("A baseline cannot be negative."), code="wrong_sign")
        return None

    def _below_zero_error(self):
        """The kecamatan's backlog may never be negative on any date, with this entry in it.

        Covers a new removal (also a backdated one, or one before the baseline) and an edit
        that lowers or moves an entry that later removals relied on.
        """
        lock_ledger(self.kecamatan_id)
        others = BacklogEntry.objects.filter(
            campaign_id=self.campaign_id, kecamatan_id=self.kecamatan_id
        ).exclude(pk=self.pk)
        by_date = dict(others.values_list("date").annotate(day=Sum("change")).order_by())
        running, available, negative_on = 0, None, None
        for day in sorted(by_date.keys() | {self.date}):
            running += by_date.get(day, 0)
            if day >= self.date:
                # What this entry may take away: the lowest balance from its date on.
                available = running if available is None else min(available, running)
            if negative_on is None and running + (self.change if day >= self.date else 0) < 0:
                negative_on = day
        if negative_on is None:
            return None
        if self.change < 0:
            return ValidationError(
                _(
                    "The backlog of %(kecamatan)s is %(balance)s; it cannot be lowered by "
                    "%(removed)s."
                ),
                code="below_zero",
                params={
                    "kecamatan": self.kecamatan.name,
                    "balance": available,
                    "removed": -self.change,
                },
            )
        return ValidationError(
            _(
                "With this change the backlog of %(kecamatan)s would fall below zero on "
                "%(date)s: later removals count on it."
            ),
            code="below_zero",
            params={
                "kecamatan": self.kecamatan.name,
                "date": date_format(negative_on, "SHORT_DATE_FORMAT"),
            },
        )


def lock_ledger(kecamatan_id):
    """Queue the writers of a kecamatan's ledger until the end of their transaction.

    Every ledger write checks the balance (BacklogEntry.clean) and then saves; without the
    queue, ten operators removing at once each read the same balance and take it below zero.
    The lock is the kecamatan's row, FOR NO KEY UPDATE: rows that only refer to it (visits,
    residents' desa, ledger entries) are not held up. Lock order: a resident's row first
    (residents.services.resident_set_status), then this one; nothing takes them the other
    way round. SQLite ignores it: there every transaction takes the database's write lock at
    BEGIN (transaction_mode IMMEDIATE, config/settings.py). Outside a transaction there is
    nothing to hold a lock for: writers save in the transaction that checked.
    """
    from regions.models import Kecamatan

    if transaction.get_connection().in_atomic_block:
        Kecamatan.objects.select_for_update(no_key=True).filter(pk=kecamatan_id).first()


NIK_END = 4  # the last digits of a NIK that the search finds through an index


class ResidentQuerySet(models.QuerySet):
    def in_backlog(self):
        """Residents the campaign still counts: not yet recorded, or recorded by it."""
        return self.filter(status__in=[Resident.Status.UNRECORDED, Resident.Status.RECORDED])

    def unrecorded(self):
        return self.filter(status=Resident.Status.UNRECORDED)

    def visible_to(self, user):
        from campaigns.models import OperatorScope

        return OperatorScope.limit(self, user, "desa__kecamatan")

    def search(self, term):
        """By name, by the whole NIK, or by its last digits (what people read off a card)."""
        term = term.strip()
        digits = term.replace(" ", "").replace(".", "")
        if digits.isdigit():
            if len(digits) == 16:
                return self.filter(nik=digits)
            return self.nik_ending_with(digits)
        return self.filter(name__icontains=term)

    def nik_ending_with(self, digits):
        """NIKs ending with `digits`; from 4 digits on through the index of their last 4."""
        if len(digits) < NIK_END:
            return self.filter(nik__endswith=digits)
        return self.alias(nik_end=Right("nik", NIK_END)).filter(
            nik_end=digits[-NIK_END:], nik__endswith=digits
        )


class Resident(models.Model):
    """One person of the backlog list, from Dukcapil's export. Only what the work needs
    (UU 27/2022): NIK, name, sex, birth date, marital status where given, desa, status."""

    class Status(models.TextChoices):
        UNRECORDED = "unrecorded", _("Not yet recorded")
        RECORDED = "recorded", _("Recorded")
        DECEASED = "deceased", _("Deceased")
        MOVED_OUT = "moved_out", _("Moved out")
        DUPLICATE = "duplicate", _("Duplicate")

    class Sex(models.TextChoices):
        MALE = "L", _("Male")
        FEMALE = "P", _("Female")

    class MaritalStatus(models.TextChoices):
        SINGLE = "belum_kawin", _("Not married")
        MARRIED = "kawin", _("Married")
        DIVORCED = "cerai_hidup", _("Divorced")
        WIDOWED = "cerai_mati", _("Widowed")

    # No index of their own: the composite indexes below start with these columns, and each
    # index slows an import of a million rows.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        related_name="residents",
        verbose_name=_("campaign"),
        db_index=False,
    )
    nik = models.CharField(_("NIK"), max_length=16)  # text, never a number
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex)
    birth_date = models.DateField(_("birth date"))
    marital_status = models.CharField(
        _("marital status"), max_length=12, choices=MaritalStatus, blank=True
    )
    desa = models.ForeignKey(
        "regions.Desa",
        models.PROTECT,
        related_name="residents",
        verbose_name=_("village (desa/kelurahan)"),
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.UNRECORDED)
    status_date = models.DateField(_("status date"), null=True, blank=True)
    recorded_visit = models.ForeignKey(
        "campaigns.Visit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="recorded_residents",
        verbose_name=_("recorded at visit"),
    )
    # Codes of residents.nik flags (unknown region, birth date mismatch, ...) to review.
    flags = models.JSONField(_("flags"), default=list, blank=True)

    history = HistoricalRecords()
    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["name", "nik"]
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "nik"],
                name="resident_one_nik_per_campaign",
                violation_error_code="duplicate_nik",
                violation_error_message=_("This NIK is already in the campaign's list."),
            ),
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"),
                name="resident_nik_is_16_digits",
                violation_error_code="invalid_nik",
                violation_error_message=_("A NIK has 16 digits."),
            ),
            models.CheckConstraint(
                condition=Q(status="recorded", recorded_visit__isnull=False)
                | (~Q(status="recorded") & Q(recorded_visit__isnull=True)),
                name="resident_recorded_at_a_visit",
                violation_error_code="recorded_without_visit",
                violation_error_message=_("A recorded resident is linked to the visit."),
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="resident_campaign_status_idx"),
            models.Index(fields=["desa", "status"], name="resident_desa_status_idx"),
            # The search by the last digits (what a card or a masked NIK shows): a suffix
            # LIKE cannot use the NIK's own index, this one can (bench/RESULTS.md).
            models.Index(F("campaign"), Right("nik", NIK_END), name="resident_nik_end_idx"),
            # The list in its order (name, NIK), a page at a time: without it each page of a
            # campaign of 40,000 sorted them all, and so did a search matching most of them
            # (the last 4 digits 0001, the first serial of a birth date: 95 % of a list).
            models.Index(fields=["campaign", "name", "nik"], name="resident_campaign_name_idx"),
        ]

    def __str__(self):
        # Masked: a name with its NIK ends up in notes, history and messages that
        # koordinators read. The admin shows the full NIK in its own column.
        from residents.nik import mask_nik

        return f"{self.name} ({mask_nik(self.nik)})"


class ExportLog(models.Model):
    """Every export that contains full NIKs: who, when and what (UU 27/2022)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", models.PROTECT, related_name="+", verbose_name=_("campaign")
    )
    what = models.CharField(_("what"), max_length=200)
    rows = models.PositiveIntegerField(_("rows"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export of personal data")
        verbose_name_plural = _("exports of personal data")

    def __str__(self):
        return f"{self.user} {self.what} ({self.rows})"


class NikLookup(models.Model):
    """A search by a whole NIK from someone who sees NIKs masked (UU 27/2022).

    Such a search confirms that a NIK exists, so it is limited per user and day (see
    residents.services.nik_lookup_record) and kept here for an admin to read. The NIK itself
    is kept masked: the log must not become a list of NIKs of its own.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", models.PROTECT, related_name="+", verbose_name=_("campaign")
    )
    masked_nik = models.CharField(_("NIK (masked)"), max_length=16)
    found = models.ForeignKey(
        Resident,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resident found"),
    )
    refused = models.BooleanField(
        _("refused"), default=False, help_text=_("Over the daily limit: nothing was searched.")
    )

    class Meta:
        ordering = ["-at"]
        verbose_name = _("whole-NIK search")
        verbose_name_plural = _("whole-NIK searches")
        indexes = [models.Index(fields=["user", "at"], name="niklookup_user_at_idx")]

    def __str__(self):
        return f"{self.user} {self.masked_nik}"


class ImportJob(models.Model):
    """One import of a backlog list, a dry run or a save, run in the background.

    The page and the admin read its counts while the worker updates them; at the end it keeps
    the same summary as the dry run showed before (`result`). The uploaded file lives in the
    "imports" storage under `file_name` only until the job no longer needs it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        REFUSED = "refused", _("File refused")
        FAILED = "failed", _("Failed")

    FINISHED = [Status.DONE, Status.REFUSED, Status.FAILED]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        "campaigns.Campaign", models.CASCADE, related_name="+", verbose_name=_("campaign")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user")
    )
    filename = models.CharField(_("file"), max_length=255)
    file_name = models.CharField(
        _("stored file"), max_length=255, blank=True, help_text=_("Empty once removed.")
    )
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    dry_run = models.BooleanField(_("dry run"))
    language = models.CharField(
        _("language"), max_length=10, blank=True, help_text=_("Of the messages in the result.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    rows_expected = models.PositiveIntegerField(
        _("rows expected"), null=True, blank=True, help_text=_("Estimated at the upload.")
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    refused_file = models.CharField(
        _("refused rows (CSV)"), max_length=255, blank=True, help_text=_("Empty once removed.")
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["status", "created_at"], name="importjob_status_idx")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self):
        return self.status in self.FINISHED

    @property
    def percent(self):
        """How far the reading is, for the progress bar; None when the total is unknown."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_expected:
            return None
        return min(99, 100 * self.rows_read // self.rows_expected)
