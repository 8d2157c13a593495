"""The backlog ledger: residents not yet recorded, per kecamatan, as dated entries."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BacklogEntryQuerySet(models.QuerySet):
    def up_to(self, day):
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

    REMOVALS = [Kind.DECEASED, Kind.MOVED_OUT, Kind.DUPLICATE]

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        models.PROTECT,
        related_name="backlog_entries",
        verbose_name=_("campaign"),
    )
    kecamatan = models.ForeignKey(
        "campaigns.Kecamatan",
        models.PROTECT,
        related_name="backlog_entries",
        verbose_name=_("district (kecamatan)"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    change = models.IntegerField(
        _("change"),
        help_text=_("Negative for deceased, moved out and duplicates; positive otherwise."),
    )
    note = models.TextField(_("note"), blank=True)
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
        if self.kind == self.Kind.BASELINE and self.change < 0:
            return ValidationError(_("A baseline cannot be negative."), code="wrong_sign")
        return None

    def _below_zero_error(self):
        """The kecamatan's backlog may never be negative on any date, with this entry in it.

        Covers a new removal (also a backdated one, or one before the baseline) and an edit
        that lowers or moves an entry that later removals relied on.
        """
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
