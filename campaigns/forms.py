"""Form pieces shared by the apps' pages and the admin."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.utils import flatatt
from django.utils.formats import get_format_lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# A whole number as written here: ASCII digits, plain (1250) or with a dot between thousands,
# as Indonesian writes numbers and as this app shows them (1.250, 12.345.678).
_PLAIN = re.compile(r"-?[0-9]+")
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{3})+")
_DOTTED = re.compile(r"-?[0-9.]+")  # digits and dots, wrongly grouped: 1.00, 1.0000
# Longer than any count: refused before it is read.
_LONGEST = 20


class CountField(forms.IntegerField):
    """A count as people type it: the digits 0–9, plain or with thousands dots.

    ``1.000`` is one thousand, as the app itself writes it (Django's IntegerField reads 1).
    ``1.00`` and ``1.0000`` are refused, as are digits of other scripts (٣, ３), underscores,
    a plus sign, commas and spaces inside, all of which int() would accept or misread. A minus
    sign is read, so that ``min_value`` says whether a negative number is allowed.

    A text box, not ``type="number"``: a browser sends an empty value for a number input it
    cannot parse (``1.000.000``), and may read ``1.000`` as one.
    """

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Enter a whole number with the digits 0–9, for example 1250 or 1.250."),
        "grouping": _(
            "Enter a whole number: thousands with a dot every three digits (1.250, 12.345), "
            "or no dots at all (1250)."
        ),
    }

    def to_python(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not text:
            return None
        if len(text) <= _LONGEST:
            if _PLAIN.fullmatch(text) or _GROUPED.fullmatch(text):
                return int(text.replace(".", ""))
            if _DOTTED.fullmatch(text):
                raise ValidationError(self.error_messages["grouping"], code="grouping")
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A phone's number keypad, where no minus sign is needed (it has none).
        if self.min_value is not None and self.min_value >= 0:
            attrs.setdefault("inputmode", "numeric")
        return attrs


class DayField(forms.DateField):
    """A date as Indonesians write it, 23/01/2024, in either language of the interface.

    A text box with the placeholder dd/mm/yyyy: a browser's own date box (`type="date"`)
    shows the browser's format, mm/dd/yyyy in an English one. Read with the Indonesian input
    formats (config/formats/id: also 23-01-2024, 23 Januari 2024, and ISO 2024-01-23, which
    links carry), never as the American 01/23/2024, whatever the language.
    """

    default_error_messages = {
        "invalid": _("Enter the date as dd/mm/yyyy, for example 23/01/2024."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", get_format_lazy("DATE_INPUT_FORMATS", lang="id"))
        kwargs.setdefault(
            "widget",
            forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10}),
        )
        super().__init__(**kwargs)

    def bound_data(self, data, initial):
        # Shown again as dd/mm/yyyy when it was sent otherwise (a link's ?as_of=2024-01-23);
        # what cannot be read is shown as typed, with its message.
        data = super().bound_data(data, initial)
        try:
            return self.to_python(data) or data
        except ValidationError:
            return data


# The admin's counts (formfield_overrides): the same field, at the admin's width.
ADMIN_COUNT_FIELDS = {
    models.IntegerField: {
        "form_class": CountField,
        "widget": forms.TextInput(attrs={"class": "vIntegerField"}),
    }
}


class PlainSelect(forms.Select):
    """A select written out directly, not through a template for each option: the desa of a
    large kabupaten are 850 options, whose templates were most of the resident list's time.
    The same HTML as Django's own, optgroups included."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(name)}"{flatatt(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'<optgroup label="{escape(group)}">')
            parts += [
                f'<option value="{escape(o["value"])}"{" selected" if o["selected"] else ""}>'
                f"{escape(o['label'])}</option>"
                for o in options
            ]
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))


class VersionCheckMixin(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The form carries the version it was opened with. When the saved one is newer, the form
    comes back with their values next to yours; sending it again replaces theirs, a choice
    made knowingly. For models derived from campaigns.models.Versioned.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        # Asked of the database: a history page's form (revert) holds an old record.
        saved = self.instance.saved_version() if self.instance.pk else None
        if saved is not None and loaded is not None and loaded != saved:
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = saved
            theirs = [
                f"{self.fields[name].label}: {_shown(getattr(self.instance, name))}"
                for name in self.changed_data
                if name in cleaned and hasattr(self.instance, name) and name != "loaded_version"
            ]
            raise ValidationError(
                _(
                    "Someone else saved this after you opened it. Saved now: %(theirs)s. Your "
                    "values are in the form: save again to replace theirs, or reload the page "
                    "to keep them."
                ),
                code="stale",
                params={"theirs": "; ".join(theirs) or "—"},
            )
        return cleaned


def _shown(value):
    if value is None or value == "":
        return "—"
    if hasattr(value, "all"):  # a many-to-many field: its objects
        return ", ".join(str(one) for one in value.all()) or "—"
    return str(value)


class ServiceErrorsMixin:
    """Shows a service's ValidationError next to its field, or above the form.

    `field_for` maps a model field to the form field that stands for it.
    """

    field_for = {}

    def add_service_error(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            field = self.field_for.get(field, field)
            self.add_error(field if field in self.fields else None, errors)
