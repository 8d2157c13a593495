"""Admin autocomplete boxes that survive a tampered value.

Django's autocomplete widget looks the submitted ids up when it shows the form again, and an
id that is not one ("abc", a date, a NUL, a number past bigint) raised there: a server error
instead of "Select a valid choice". These widgets drop such values before the look-up; the
form field still refuses them with its message. For every app's admin (the lowest floor).
"""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError

BIGINT = 2**63


def _is_key(pk, value) -> bool:
    """Whether `value` can be looked up as the primary key `pk` without the database
    raising (a bigint, text without NUL)."""
    try:
        key = pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    if isinstance(key, int):
        return -BIGINT <= key < BIGINT
    return not (isinstance(key, str) and "\x00" in key)


class _ValidValues:
    def optgroups(self, name, value, attr=None):
        pk = self.field.remote_field.model._meta.pk
        return super().optgroups(name, [one for one in value if _is_key(pk, one)], attr)


class CheckedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _is_key(self.queryset.model._meta.pk, value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        pk = self.queryset.model._meta.pk
        for one in value or []:
            if not _is_key(pk, one):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": one},
                )
        return super()._check_values(value)


class CheckedAutocompleteSelect(_ValidValues, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(_ValidValues, AutocompleteSelectMultiple):
    pass


class CheckedAutocompleteMixin:
    """For a ModelAdmin or an inline with autocomplete_fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", CheckedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
            kwargs.setdefault("form_class", CheckedModelMultipleChoiceField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
