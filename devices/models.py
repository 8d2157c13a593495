"""Recording sets and their dated history of mode and condition."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


class DeviceQuerySet(models.QuerySet):
    def with_state(self, on):
        """Annotate each set's mode and condition on a date, in the same query."""
        latest = DeviceState.objects.filter(device=OuterRef("pk"), valid_from__lte=on).order_by(
            "-valid_from"
        )
        return self.annotate(
            mode_on=Subquery(latest.values("mode")[:1]),
            condition_on=Subquery(latest.values("condition")[:1]),
        )


class Device(models.Model):
    """A recording set: PC, fingerprint and iris scanner, camera, signature pad."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    home_kecamatan = models.ForeignKey(
        "regions.Kecamatan",
        models.PROTECT,
        related_name="+",
        verbose_name=_("home office kecamatan"),
    )
    home_office = models.CharField(
        _("home office"),
        max_length=200,
        blank=True,
        help_text=_("For example: Kantor Dinas Dukcapil TTU."),
    )

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("recording set")
        verbose_name_plural = _("recording sets")

    def __str__(self):
        return self.code

    @property
    def home_office_label(self):
        return self.home_office or self.home_kecamatan.name

    def state_on(self, day):
        """The set's mode and condition on a date, or None before its first record."""
        return self.states.filter(valid_from__lte=day).order_by("-valid_from").first()


class DeviceState(models.Model):
    """From `valid_from` on (until the next record), the set has this mode and condition."""

    class Mode(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        STATIONARY = "stationary", _("Stationary")

    class Condition(models.TextChoices):
        WORKING = "working", _("Working")
        UNDER_REPAIR = "under_repair", _("Under repair")
        RETIRED = "retired", _("Retired")

    device = models.ForeignKey(
        Device, models.CASCADE, related_name="states", verbose_name=_("recording set")
    )
    valid_from = models.DateField(_("valid from"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode, default=Mode.MOBILE)
    condition = models.CharField(
        _("condition"), max_length=12, choices=Condition, default=Condition.WORKING
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["device", "-valid_from"]
        get_latest_by = "valid_from"
        verbose_name = _("mode and condition")
        verbose_name_plural = _("mode and condition history")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "valid_from"],
                name="devicestate_one_per_device_per_date",
                violation_error_code="duplicate_state_date",
                violation_error_message=_("This set already has a record for that date."),
            ),
        ]

    def __str__(self):
        return f"{self.device} {date_format(self.valid_from, 'SHORT_DATE_FORMAT')}: " + (
            f"{self.get_mode_display()}, {self.get_condition_display()}"
        )

    def clean(self):
        """Refuse a state that would strand visits already scheduled in its period."""
        if not (self.device_id and self.valid_from):
            return
        clashes = self.clashing_visits()
        first = clashes.order_by("date").select_related("kecamatan").first()
        if first:
            raise ValidationError(
                _(
                    "%(count)s scheduled visit(s) of %(device)s cannot take place with this "
                    "mode and condition, the first on %(date)s in %(place)s. "
                    "Move or delete them first."
                ),
                code="strands_visits",
                params={
                    "count": clashes.count(),
                    "device": self.device.code,
                    "date": date_format(first.date, "SHORT_DATE_FORMAT"),
                    "place": first.kecamatan.name,
                },
            )

    def clashing_visits(self):
        """Visits of this set, from valid_from until its next record, that this state forbids."""
        visits = self.device.visits.filter(date__gte=self.valid_from)
        following = (
            self.device.states.filter(valid_from__gt=self.valid_from)
            .exclude(pk=self.pk)
            .order_by("valid_from")
            .first()
        )
        if following:
            visits = visits.filter(date__lt=following.valid_from)
        if self.condition != self.Condition.WORKING:
            return visits
        if self.mode == self.Mode.STATIONARY:
            return visits.filter(~Q(kecamatan_id=self.device.home_kecamatan_id))
        return visits.none()
