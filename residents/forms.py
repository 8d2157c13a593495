import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.forms import CountField, PlainSelect, ServiceErrorsMixin
from campaigns.models import NOTE_MAX_LENGTH, OperatorScope
from regions.models import Desa
from residents.models import MAX_LEDGER_CHANGE, BacklogEntry, Resident
from residents.nik import NIK_LENGTH, SCIENTIFIC_NOTATION, NikError, clean_nik
from residents.permissions import may_see_nik

MASKED_NIK = re.compile(r"([0-9]{2})[xX*]{10}([0-9]{4})")


class BacklogEntryForm(ServiceErrorsMixin, forms.Form):
    """Clean-up or additions for one kecamatan. The operator types how many; the sign follows."""

    field_for = {"change": "count"}

    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=None)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in BacklogEntry.Kind if k != BacklogEntry.Kind.BASELINE],
    )
    count = CountField(label=_("Number of people"), min_value=1, max_value=MAX_LEDGER_CHANGE)
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Why, and the source: e.g. death certificates from Desa Oelolok."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(label=_("Yes, this number is right"), required=False)

    def __init__(self, *args, campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        kecamatan = campaign.kabupaten.kecamatan.order_by("name")
        self.fields["kecamatan"].queryset = OperatorScope.limit(kecamatan, user, "code")

    def needs_confirmation(self):
        return any(e.code == "needs_confirmation" for e in self.errors.as_data().get("count", []))


# --- Working on the list: search, a resident's status, NIKs pasted for a visit ---------------

# What lies between separators; but Excel's scientific notation as people paste it,
# 5,30305E+15 or 5.30305E+15, is one NIK even though it holds a comma.
_PASTED_TOKEN = re.compile(
    rf"\s*({SCIENTIFIC_NOTATION.pattern})\s*(?=[,;\t\r\n]|$)"
    r"|([^,;\t\r\n]+)"
)
MAX_PASTED_NIKS = 500


def split_pasted_niks(text: str) -> list[str]:
    """The NIKs of a paste, as typed: one a line, or separated by commas or semicolons.

    Spaces and dots inside a NIK stay (clean_nik removes them); Excel's ``5,30305E+15`` stays
    one token, so it is refused as what it is rather than as two short numbers.
    """
    tokens = []
    for match in _PASTED_TOKEN.finditer(text or ""):
        token = (match.group(1) or match.group(2) or "").strip()
        if token:
            tokens.append(token)
    return tokens


class ResidentSearchForm(forms.Form):
    """The list's filter form. A whole NIK is searched by posting the form (the view), never
    in the address. Someone who sees NIKs masked may search by the last 4 digits the mask
    shows, not by longer endings, which would reveal the rest."""

    masked = False  # set by ResidentFilter for users who see NIKs masked

    def clean_q(self):
        term = (self.cleaned_data.get("q") or "").strip()
        compact = "".join(term.split())
        if SCIENTIFIC_NOTATION.fullmatch(compact):
            try:
                clean_nik(compact)
            except NikError as error:
                raise error.as_validation_error() from None
        if whole_nik(term):
            # Typed into an address: it is in some log already; at least it finds nothing.
            raise ValidationError(
                _("Search by a whole NIK with the search box, not in the page's address."),
                code="nik_in_address",
            )
        digits = compact.replace(".", "")
        if self.masked and digits.isdigit() and 4 < len(digits) < NIK_LENGTH:
            raise ValidationError(
                _("Search by the whole NIK (16 digits) or by its last 4 digits."),
                code="partial_nik",
            )
        return term


class ResidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("NIK or name"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Resident.Status.choices, empty_label=_("Any status")
    )
    desa = django_filters.ChoiceFilter(
        label=_("Village"),
        field_name="desa_id",
        empty_label=_("All villages"),
        widget=PlainSelect,
    )

    class Meta:
        model = Resident
        fields = []
        form = ResidentSearchForm

    def __init__(self, data=None, queryset=None, *, request, campaign, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["desa"].extra["choices"] = desa_choices(campaign, request.user)

    @property
    def form(self):
        form = super().form
        form.masked = not may_see_nik(self.request.user)
        return form

    def search(self, queryset, name, value):
        if not value:
            return queryset
        masked = MASKED_NIK.fullmatch("".join(value.split()))
        if masked:  # as a koordinator reads it off a page: 53xxxxxxxxxx1234
            return queryset.nik_ending_with(masked[2]).filter(nik__startswith=masked[1])
        return queryset.search(value)


def whole_nik(term: str) -> str:
    """The 16 digits of a search term that is a whole NIK, however grouped, else ""."""
    digits = re.sub(r"[\W_]", "", term)
    return digits if len(digits) == NIK_LENGTH and digits.isascii() and digits.isdigit() else ""


def desa_choices(campaign, user):
    """The campaign's desa the user may see, grouped by kecamatan, for a select."""
    desa = OperatorScope.limit(
        Desa.objects.filter(kecamatan__kabupaten_id=campaign.kabupaten_id)
        .select_related("kecamatan")
        .order_by("kecamatan__name", "name"),
        user,
        "kecamatan",
    )
    groups = {}
    for one in desa:
        groups.setdefault(one.kecamatan.name, []).append((one.code, one.name))
    return list(groups.items())


class ResidentStatusForm(ServiceErrorsMixin, forms.Form):
    """One of the buttons of a resident's page: recorded (at a visit), deceased, moved out,
    duplicate (with a note), or back to not yet recorded (with a note)."""

    field_for = {"recorded_visit": "visit"}
    NOTE_REQUIRED = {Resident.Status.DUPLICATE, Resident.Status.UNRECORDED}

    # Sent by the page's buttons: an error here means a button the page does not offer.
    status = forms.ChoiceField(
        choices=Resident.Status.choices,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Change the status with one of this page's buttons."),
            "invalid_choice": _("Change the status with one of this page's buttons."),
        },
    )
    visit = forms.TypedChoiceField(label=_("Recorded at the visit"), coerce=int, required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Why, and the source: e.g. a death certificate, or the NIK of the entry this one "
            "duplicates. NIKs in a note are kept masked, as the police see them."
        ),
    )

    def __init__(self, *args, resident, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident
        self.visits = {visit.pk: visit for visit in visits}
        self.fields["visit"].choices = [("", _("Choose the visit"))] + [
            (visit.pk, str(visit)) for visit in visits
        ]
        # Preselect only a visit of today: the operator is marking the people in front of
        # them. An earlier visit must be a choice, or one tap records at the wrong visit.
        if visits and visits[0].date == timezone.localdate():
            self.fields["visit"].initial = visits[0].pk

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == Resident.Status.RECORDED:
            cleaned["visit"] = self.visits.get(cleaned.get("visit"))
            if cleaned["visit"] is None and "visit" not in self.errors:
                self.add_error(
                    "visit",
                    ValidationError(
                        _("Choose the visit at which %(name)s was recorded."),
                        code="visit_required",
                        params={"name": self.resident.name},
                    ),
                )
        else:
            cleaned["visit"] = None
        note = cleaned.get("note", "").strip()
        cleaned["note"] = note
        if status in self.NOTE_REQUIRED and not note and "note" not in self.errors:
            message = (
                _("Say which entry this one duplicates.")
                if status == Resident.Status.DUPLICATE
                else _("Say why the earlier change was a mistake.")
            )
            self.add_error("note", ValidationError(message, code="note_required"))
        return cleaned


class BulkRecordForm(forms.Form):
    """NIKs pasted for one visit: one a line, or separated by commas or semicolons."""

    niks = forms.CharField(
        label=_("NIKs recorded at this visit"),
        # Room for MAX_PASTED_NIKS NIKs with spaces, dots and separators; no more is read.
        max_length=MAX_PASTED_NIKS * 40,
        widget=forms.Textarea(
            attrs={"rows": 8, "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["niks"].help_text = gettext(
            "One a line, or separated by commas or semicolons; spaces and dots are allowed. "
            "At most %(max)s at a time."
        ) % {"max": MAX_PASTED_NIKS}

    def clean_niks(self):
        tokens = split_pasted_niks(self.cleaned_data["niks"])
        if not tokens:
            raise ValidationError(_("Paste at least one NIK."), code="required")
        if len(tokens) > MAX_PASTED_NIKS:
            raise ValidationError(
                _("%(count)s NIKs pasted: paste at most %(max)s at a time."),
                code="too_many",
                params={"count": len(tokens), "max": MAX_PASTED_NIKS},
            )
        return tokens


class UploadForm(forms.Form):
    """The backlog list to import."""

    file = forms.FileField(
        label=_("Backlog list"),
        help_text=_("CSV (UTF-8, comma or semicolon) or Excel .xlsx, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
