"""import_wilayah: the Kemendagri regions from data/wilayah."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from regions.models import Desa, Kabupaten, Kecamatan, Provinsi, Shape

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_one_province_gives_ttu_its_24_kecamatan_and_193_desa():
    output = run("import_wilayah", "--province", "53")

    assert "22 kabupaten/kota, 315 kecamatan, 3442 desa/kelurahan" in output
    assert Kecamatan.objects.filter(kabupaten="53.03").count() == 24
    assert Desa.objects.filter(kecamatan__kabupaten="53.03").count() == 193
    assert Kecamatan.objects.get(code="53.03.05").name == "Kota Kefamenanu"
    assert Desa.objects.get(code="53.03.05.1001").name == "Kefamenanu Utara"
    assert not Provinsi.objects.exclude(code="53").exists()


def test_import_loads_centroids_and_shapes_where_the_data_has_them():
    run("import_wilayah", "--province", "53")

    kefamenanu = Kecamatan.objects.get(code="53.03.05")
    assert -10 < kefamenanu.lat < -9 and 124 < kefamenanu.lng < 125  # Timor, not swapped
    assert Shape.objects.get(code="53.03.05").geometry["type"] in {"Polygon", "MultiPolygon"}
    assert Shape.objects.filter(code__startswith="53.03.").count() == 24 + 192
    # The source has no centroid or shape for Boronubaen Timur; it loads all the same.
    boronubaen = Desa.objects.get(code="53.03.06.1015")
    assert boronubaen.lat is None and not Shape.objects.filter(code=boronubaen.code).exists()
    assert not Shape.objects.exclude(code__startswith="53").exists()


def test_import_whole_country_twice_changes_nothing():
    run("import_wilayah")
    counts = [m.objects.count() for m in (Provinsi, Kabupaten, Kecamatan, Desa)]
    assert counts == [38, 514, 7285, 83762]

    Desa.objects.filter(code="53.03.11.2005").update(name="renamed by hand")
    run("import_wilayah")

    assert [m.objects.count() for m in (Provinsi, Kabupaten, Kecamatan, Desa)] == counts
    assert Desa.objects.get(code="53.03.11.2005").name == "N i a n"  # refreshed from the CSV
    # Codes are text: Aceh's leading digits and the dots survive.
    assert Kabupaten.objects.filter(code="11.01").exists()


def test_import_of_an_unknown_province_is_refused_by_name():
    with pytest.raises(CommandError, match="'99' tidak ada"):
        run("import_wilayah", "--province", "99")
    assert not Provinsi.objects.exists()
