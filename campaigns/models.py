"""Campaigns, the visit schedule and operators' areas."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# What one recording set can record in a day, at most. Each person takes a photo, ten
# fingerprints, the irises and a signature, a few minutes' work: even one a minute for 24 hours
# is 1,440. A count for one set on one day (a report, a visit's plan, the campaign's maximum per
# set) above this is a typing error and is never stored.
MAX_DAILY_COUNT = 2_000
# Free text that people type (a report's notes, a ledger note): a paragraph, not a document.
NOTE_MAX_LENGTH = 1_000
# A campaign's deadlines and election lie within two years of its start: a drive before an
# election takes weeks or months. A later date is a mistyped year (2204 for 2024), which
# would stretch every chart and schedule over centuries.
MAX_CAMPAIGN_DAYS = 731


class CampaignQuerySet(models.QuerySet):
    def sole_active(self):
        """The active campaign when there is exactly one: where users land; else None."""
        active = list(self.filter(status=Campaign.Status.ACTIVE)[:2])
        return active[0] if len(active) == 1 else None

    def past_but_not_closed(self, today):
        """Campaigns whose last day (the extension date, else the target) is before `today`
        and whose status still says otherwise: what `close_campaigns` closes."""
        return self.filter(_past(today)).exclude(status=Campaign.Status.CLOSED)

    def open_on(self, today):
        """Campaigns not closed on `today`: Campaign.is_closed in SQL (neither closed by
        status nor past their last day)."""
        return self.exclude(_past(today)).exclude(status=Campaign.Status.CLOSED)


def _past(today):
    """The last day (the extension date, else the target) is before `today`."""
    return Q(extension_date__lt=today) | Q(extension_date__isnull=True, target_date__lt=today)


class Campaign(models.Model):
    """One recording drive in one kabupaten/kota, with its deadlines."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kabupaten = models.ForeignKey(
        "regions.Kabupaten",
        models.PROTECT,
        related_name="campaigns",
        verbose_name=_("regency/city"),
    )
    start_date = models.DateField(_("start date"))
    target_date = models.DateField(_("target date"))
    extension_date = models.DateField(
        _("extension date"), null=True, blank=True, help_text=_("The latest date if extended.")
    )
    election_date = models.DateField(_("election date"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    max_daily_per_set = models.PositiveIntegerField(
        _("maximum per set per day"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_DAILY_COUNT)],
        help_text=_(
            "A report above this asks the operator to confirm and is flagged for review. "
            "Empty: only the campaign's best day so far is used."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Who moved a deadline, when and why (the reason is required in the admin).
    history = HistoricalRecords()
    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gte=F("start_date")),
                name="campaign_target_on_or_after_start",
                violation_error_code="target_before_start",
                violation_error_message=_("The target date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(extension_date__isnull=True) | Q(extension_date__gte=F("target_date")),
                name="campaign_extension_on_or_after_target",
                violation_error_code="extension_before_target",
                violation_error_message=_("The extension date cannot be before the target date."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_closed(self):
        """Closed: its data changes only by an admin, with a reason (campaigns.services).

        Set to closed by an admin, or past its last day: from the day after the extension
        date (the target date without one) it is closed at once, whatever its status says
        until `manage.py close_campaigns` writes it.
        """
        return self.status == self.Status.CLOSED or self.is_past

    @property
    def is_past(self):
        """Its last day is over (today in the project's time zone)."""
        return self.target_date is not None and timezone.localdate() > self.last_day

    @property
    def last_day(self):
        """The last day work can be scheduled: the extension date if any, else the target."""
        return self.extension_date or self.target_date

    @property
    def percent_recorded(self):
        """With reports.selectors.campaigns_with_totals(): recorded as a percent of the target, None without a target."""
        return round(self.recorded / self.target * 100, 2) if self.target else None

    def clean(self):
        errors = {}
        if self.start_date and self.target_date and self.target_date < self.start_date:
            errors["target_date"] = ValidationError(
                _("The target date cannot be before the start date."),
                code="target_before_start",
            )
        if self.target_date and self.extension_date and self.extension_date < self.target_date:
            errors["extension_date"] = ValidationError(
                _("The extension date cannot be before the target date."),
                code="extension_before_target",
            )
        for name in ("target_date", "extension_date", "election_date"):
            day = getattr(self, name)
            if self.start_date and day and (day - self.start_date).days > MAX_CAMPAIGN_DAYS:
                errors.setdefault(
                    name,
                    ValidationError(
                        _(
                            "This date is more than two years after the start date, %(start)s: "
                            "check the year."
                        ),
                        code="too_far_from_start",
                        params={"start": date_format(self.start_date, "SHORT_DATE_FORMAT")},
                    ),
                )
        if errors:
            raise ValidationError(errors)


class Versioned(models.Model):
    """A number that grows with every save. A form carries the version it was opened with,
    and a save over a newer one is refused (campaigns.forms.VersionCheckMixin,
    reports.services.daily_report_save): no colleague's edit is lost in silence."""

    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Always above the saved one, also when an old record is restored (admin history).
        saved = self.saved_version() if self.pk else None
        self.version = max(self.version, saved or 0) + 1
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def saved_version(self) -> int | None:
        # Unordered: a model's default ordering (a report's by its visit's date) would join.
        saved = (
            type(self)._default_manager.filter(pk=self.pk).order_by().values_list("version").first()
        )
        return saved[0] if saved else None


class VisitQuerySet(models.QuerySet):
    def with_place(self):
        """With what a visit's name and pages show: its campaign, set, kecamatan and desa."""
        return self.select_related("campaign", "device", "kecamatan", "desa")

    def visible_to(self, user):
        """Visits a user may see: all, or only their kecamatan when they are limited."""
        return OperatorScope.limit(self, user, "kecamatan")

    def of_open_campaigns(self):
        """Visits whose campaign is not closed: what operators still work on."""
        return self.exclude(campaign__status=Campaign.Status.CLOSED)


class Visit(Versioned):
    """One recording set at one place on one date."""

    campaign = models.ForeignKey(
        Campaign, models.PROTECT, related_name="visits", verbose_name=_("campaign")
    )
    date = models.DateField(_("date"))
    device = models.ForeignKey(
        "devices.Device", models.PROTECT, related_name="visits", verbose_name=_("recording set")
    )
    kecamatan = models.ForeignKey(
        "regions.Kecamatan",
        models.PROTECT,
        related_name="visits",
        verbose_name=_("district (kecamatan)"),
    )
    desa = models.ForeignKey(
        "regions.Desa",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("village (desa/kelurahan)"),
    )
    site_name = models.CharField(
        _("site"), max_length=200, blank=True, help_text=_("For example: Balai Desa Oelolok.")
    )
    planned_count = models.PositiveIntegerField(
        _("planned"),
        default=0,
        validators=[MaxValueValidator(MAX_DAILY_COUNT)],
        help_text=_("How many residents this visit plans to record."),
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="visits",
        verbose_name=_("responsible operators"),
    )

    history = HistoricalRecords()
    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "device__code"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "date"],
                name="visit_one_per_device_per_day",
                violation_error_code="device_double_booked",
                violation_error_message=_("This recording set already has a visit on that date."),
            ),
        ]
        indexes = [models.Index(fields=["campaign", "date"], name="visit_campaign_date_idx")]

    def __str__(self):
        """ "23/01/2024 · TTU-01 · Oelolok (Insana), Balai Desa": date, set and place."""
        return f"{date_format(self.date, 'SHORT_DATE_FORMAT')} · {self.device.code} · {self.place}"

    @property
    def place(self):
        """ "Oelolok (Insana), Balai Desa": the desa (kecamatan), and the site if named."""
        place = self.kecamatan.name
        if self.desa_id:
            place = f"{self.desa.name} ({self.kecamatan.name})"
        if self.site_name:
            place = f"{place}, {self.site_name}"
        return place

    @property
    def is_future(self):
        """Not yet happened: nothing is recorded or reported at it before its day."""
        return self.date > timezone.localdate()

    def clean(self):
        errors = {}
        # The campaign may be new and unsaved, as when added with its first visits.
        has_campaign = self.campaign_id or Visit.campaign.is_cached(self)
        if has_campaign and self.date and self.campaign.start_date and self.campaign.target_date:
            errors.update(self._campaign_errors())
        if self.kecamatan_id and self.desa_id and self.desa.kecamatan_id != self.kecamatan_id:
            errors["desa"] = ValidationError(
                _("%(desa)s is not in kecamatan %(kecamatan)s."),
                code="desa_outside_kecamatan",
                params={"desa": self.desa.name, "kecamatan": self.kecamatan.name},
            )
        if self.device_id and self.date and "device" not in errors:
            error = self._device_error()
            if error:
                errors["device"] = error
        if errors:
            raise ValidationError(errors)

    def _campaign_errors(self):
        campaign, errors = self.campaign, {}
        # Closed by an admin. A campaign past its last day is closed for reporting
        # (is_closed), but its schedule is only ever changed within its dates, which the
        # check below keeps; a historical campaign may still be entered after the fact.
        if campaign.status == Campaign.Status.CLOSED:
            errors["campaign"] = ValidationError(
                _("Campaign %(campaign)s is closed; its schedule can no longer change."),
                code="campaign_closed",
                params={"campaign": campaign.name},
            )
        if not campaign.start_date <= self.date <= campaign.last_day:
            errors["date"] = ValidationError(
                _("The date must be within the campaign, from %(start)s to %(end)s."),
                code="outside_campaign",
                params={
                    "start": date_format(campaign.start_date, "SHORT_DATE_FORMAT"),
                    "end": date_format(campaign.last_day, "SHORT_DATE_FORMAT"),
                },
            )
        if self.kecamatan_id and self.kecamatan.kabupaten_id != campaign.kabupaten_id:
            errors["kecamatan"] = ValidationError(
                _("Kecamatan %(kecamatan)s is not in %(kabupaten)s."),
                code="kecamatan_outside_campaign",
                params={"kecamatan": self.kecamatan.name, "kabupaten": campaign.kabupaten.name},
            )
        return errors

    def _device_error(self):
        """The reason this set cannot go out on this date, or None."""
        device, on = self.device, date_format(self.date, "SHORT_DATE_FORMAT")
        other = (
            Visit.objects.filter(device=device, date=self.date)
            .exclude(pk=self.pk)
            .select_related("kecamatan")
            .first()
        )
        if other:
            return ValidationError(
                _("Set %(device)s is already scheduled in %(place)s on %(date)s."),
                code="device_double_booked",
                params={"device": device.code, "place": other.kecamatan.name, "date": on},
            )
        state = device.state_on(self.date)
        if state is None:
            return ValidationError(
                _("Set %(device)s has no recorded mode and condition on %(date)s."),
                code="device_not_in_service",
                params={"device": device.code, "date": on},
            )
        if state.condition != state.Condition.WORKING:
            return ValidationError(
                _("Set %(device)s is %(condition)s on %(date)s."),
                code="device_not_working",
                params={
                    "device": device.code,
                    "condition": state.get_condition_display().lower(),
                    "date": on,
                },
            )
        if (
            state.mode == state.Mode.STATIONARY
            and self.kecamatan_id
            and self.kecamatan_id != device.home_kecamatan_id
        ):
            return ValidationError(
                _("Set %(device)s is stationary on %(date)s: it can only work at %(office)s."),
                code="device_stationary",
                params={"device": device.code, "date": on, "office": device.home_office_label},
            )
        return None


class OperatorScope(models.Model):
    """Limits an operator to some kecamatan. Without one, an operator sees them all."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="operator_scope",
        verbose_name=_("user"),
    )
    kecamatan = models.ManyToManyField(
        "regions.Kecamatan", blank=True, related_name="+", verbose_name=_("districts (kecamatan)")
    )

    class Meta:
        verbose_name = _("operator's area")
        verbose_name_plural = _("operators' areas")

    def __str__(self):
        return str(self.user)

    @staticmethod
    def limit(queryset, user, kecamatan_path):
        """`queryset` as `user` may see it: rows whose `kecamatan_path` ("kecamatan",
        "desa__kecamatan", "code"...) is one of their kecamatan, or all when not limited."""
        codes = OperatorScope.kecamatan_codes_for(user)
        if codes is None:
            return queryset
        return queryset.filter(**{f"{kecamatan_path}__in": codes})

    @staticmethod
    def kecamatan_codes_for(user):
        """The kecamatan codes a user is limited to, or None when not limited.

        Kept on the user object: a request asks several times (its pages, forms and
        permissions), and the user object lives as long as the request.
        """
        if not hasattr(user, "_kecamatan_codes"):
            codes = list(
                OperatorScope.kecamatan.through.objects.filter(
                    operatorscope__user_id=user.pk
                ).values_list("kecamatan_id", flat=True)
            )
            user._kecamatan_codes = codes or None
        return user._kecamatan_codes


class AuditEntry(models.Model):
    """One event of the audit log: who did what, when and from where (UU 27/2022).

    Logins and failed logins, changes of roles and areas, exports and printed lists of
    personal data, whole-NIK searches, imports and purges; written by campaigns.audit. The
    description never holds a whole NIK. Admins read it; nobody changes it, and entries older
    than AUDIT_RETENTION_DAYS are removed by `manage.py purge_audit`.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKED_OUT = "locked_out", _("Locked out after failed logins")
        ROLE_CHANGED = "role_changed", _("Role changed")
        AREA_CHANGED = "area_changed", _("Operator's area changed")
        EXPORT = "export", _("Export or print of personal data")
        NIK_SEARCH = "nik_search", _("Whole-NIK search")
        IMPORT = "import", _("Import of a backlog list")
        PURGE = "purge", _("Personal data removed")
        AUDIT_PURGE = "audit_purge", _("Old audit entries removed")

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # Kept when the user is deleted; for a failed login, the name that was tried.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action)
    description = models.CharField(_("description"), max_length=500, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    campaign = models.ForeignKey(
        Campaign,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("campaign"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        # Read only: an entry is never added, changed or deleted by hand.
        default_permissions = ["view"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_action_display()}"


class Profile(models.Model):
    """How to reach a user: their WhatsApp number, for reminders of late reports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="profile", verbose_name=_("user")
    )
    phone = models.CharField(
        _("WhatsApp number"),
        max_length=16,
        blank=True,
        validators=[
            RegexValidator(
                r"^62[1-9][0-9]{7,12}$",
                _("Write the number in international form without + or spaces: 6281234567890."),
                code="phone_format",
            )
        ],
        help_text=_("International form, for wa.me links: 6281234567890."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return str(self.user)
