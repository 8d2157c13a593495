"""Recording sets and their dated history of mode and condition."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from devices.models import Device, DeviceState
from regions.admin_widgets import CheckedAutocompleteMixin


class DeviceStateInline(admin.TabularInline):
    model = DeviceState
    fields = ["valid_from", "mode", "condition", "note", "recorded_by", "recorded_at"]
    readonly_fields = ["recorded_by", "recorded_at"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["code", "description", "home_kecamatan", "home_office", "mode", "condition"]
    list_filter = [("home_kecamatan", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["home_kecamatan"]
    search_fields = ["^code", "description", "home_office"]
    autocomplete_fields = ["home_kecamatan"]
    inlines = [DeviceStateInline]

    def get_queryset(self, request):
        # Today's mode and condition in the same query as the sets.
        return super().get_queryset(request).with_state(on=timezone.localdate())

    @admin.display(description=_("mode today"), ordering="mode_on")
    def mode(self, obj):
        return DeviceState.Mode(obj.mode_on).label if obj.mode_on else None

    @admin.display(description=_("condition today"), ordering="condition_on")
    def condition(self, obj):
        return DeviceState.Condition(obj.condition_on).label if obj.condition_on else None

    def save_formset(self, request, form, formset, change):
        for state_form in formset.forms:
            if state_form.instance.recorded_by_id is None:
                state_form.instance.recorded_by = request.user
        super().save_formset(request, form, formset, change)


@admin.register(DeviceState)
class DeviceStateAdmin(CheckedAutocompleteMixin, admin.ModelAdmin):
    list_display = ["device", "valid_from", "mode", "condition", "note", "recorded_by"]
    list_filter = ["mode", "condition", ("device", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["device", "recorded_by"]
    search_fields = ["^device__code", "note"]
    date_hierarchy = "valid_from"
    autocomplete_fields = ["device"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change):
        if obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
