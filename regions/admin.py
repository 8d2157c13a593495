"""The back office of the regions: thousands of kecamatan and desa, so always autocomplete,
searched by code or name."""

from django.contrib import admin

from regions.models import Desa, Kabupaten, Kecamatan, Provinsi


@admin.register(Provinsi)
class ProvinsiAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["^code", "name"]


@admin.register(Kabupaten)
class KabupatenAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "provinsi"]
    list_filter = ["provinsi"]
    list_select_related = ["provinsi"]
    search_fields = ["^code", "name"]
    autocomplete_fields = ["provinsi"]


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kabupaten"]
    list_filter = ["kabupaten__provinsi"]
    list_select_related = ["kabupaten"]
    search_fields = ["^code", "name"]
    autocomplete_fields = ["kabupaten"]


@admin.register(Desa)
class DesaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kecamatan"]
    list_filter = ["kecamatan__kabupaten__provinsi"]
    list_select_related = ["kecamatan"]
    search_fields = ["^code", "name"]  # "53.03.05" lists the desa of that kecamatan
    autocomplete_fields = ["kecamatan"]
