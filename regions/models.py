"""The Kemendagri regions: provinsi, kabupaten/kota, kecamatan, desa/kelurahan.

The lowest floor: imports no other app of the project. The tables keep the names campaigns
gave them (`campaigns_provinsi` ...) when the models lived there; see migrations/0001.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A level of the Kemendagri hierarchy. Codes are text: they keep their leading zeros."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    # Where data/wilayah/centroids.csv has it: a region without a centroid works everywhere,
    # it is only left off maps and routes.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name


class Provinsi(Region):
    class Meta(Region.Meta):
        db_table = "campaigns_provinsi"  # made by campaigns 0001_initial
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Kabupaten(Region):
    provinsi = models.ForeignKey(
        Provinsi, models.PROTECT, related_name="kabupaten", verbose_name=_("province")
    )

    class Meta(Region.Meta):
        db_table = "campaigns_kabupaten"  # made by campaigns 0001_initial
        verbose_name = _("regency/city")
        verbose_name_plural = _("regencies/cities")


class Kecamatan(Region):
    kabupaten = models.ForeignKey(
        Kabupaten, models.PROTECT, related_name="kecamatan", verbose_name=_("regency/city")
    )

    class Meta(Region.Meta):
        db_table = "campaigns_kecamatan"  # made by campaigns 0001_initial
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")


class Desa(Region):
    kecamatan = models.ForeignKey(
        Kecamatan, models.PROTECT, related_name="desa", verbose_name=_("district (kecamatan)")
    )

    class Meta(Region.Meta):
        db_table = "campaigns_desa"  # made by campaigns 0001_initial
        verbose_name = _("village (desa/kelurahan)")
        verbose_name_plural = _("villages (desa/kelurahan)")


class Shape(models.Model):
    """A region's boundary (a GeoJSON geometry, [lng, lat]) where data/wilayah/boundaries has it.

    Kept apart from the regions so that the many queries that join a region never carry its
    polygon. Keyed by the region's code, which tells its level by its form.
    """

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    geometry = models.JSONField(_("geometry"))

    class Meta:
        verbose_name = _("region shape")
        verbose_name_plural = _("region shapes")
        # Loaded by import_wilayah from the bundled data, never edited: no role needs a
        # permission on it.
        default_permissions = ()

    def __str__(self):
        return self.code
