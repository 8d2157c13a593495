"""Loading the Kemendagri regions from the bundled CSVs (data/wilayah)."""

import csv
import json
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import transaction

from regions.models import Desa, Kabupaten, Kecamatan, Provinsi, Shape

WILAYAH_DIR = Path(settings.BASE_DIR) / "data" / "wilayah"
# (file, model, name of the parent field), from the top of the hierarchy down.
LEVELS = [
    ("provinces.csv", Provinsi, None),
    ("regencies.csv", Kabupaten, "provinsi"),
    ("districts.csv", Kecamatan, "kabupaten"),
    ("villages.csv", Desa, "kecamatan"),
]
BATCH_SIZE = 2000


class UnknownProvince(ValueError):
    pass


@transaction.atomic
def regions_import(*, province: str | None = None, directory: Path = WILAYAH_DIR) -> dict:
    """Load (or refresh) the regions from the bundled CSVs; return the rows per model.

    Idempotent: existing codes get their name and parent updated, nothing is duplicated.
    With `province` ("53"), only that province and what lies in it.
    """
    counts = {}
    for filename, model, parent in LEVELS:
        rows = _read(directory / filename, province)
        objects = (
            model(code=row["code"], name=row["name"], **_parent(parent, row)) for row in rows
        )
        count = 0
        for batch in batched(objects, BATCH_SIZE):
            model.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name"] + ([f"{parent}_id"] if parent else []),
            )
            count += len(batch)
        if model is Provinsi and province and count == 0:
            raise UnknownProvince(province)
        counts[model._meta.model_name] = count
    counts["centroids"] = _load_centroids(directory / "centroids.csv", province)
    counts["shapes"] = _load_shapes(directory / "boundaries", province)
    return counts


def _load_centroids(path, province):
    """Set lat/lng of the regions the centroid file names; return how many were set."""
    if not path.exists():
        return 0
    by_level = {}
    for row in _read(path, province):
        model = _model_for(row["code"])
        by_level.setdefault(model, []).append(
            model(code=row["code"], lat=float(row["lat"]), lng=float(row["lng"]))
        )
    count = 0
    for model, objects in by_level.items():
        known = set(
            model.objects.filter(code__in=[o.code for o in objects]).values_list("code", flat=True)
        )
        objects = [o for o in objects if o.code in known]
        model.objects.bulk_update(objects, ["lat", "lng"], batch_size=BATCH_SIZE)
        count += len(objects)
    return count


def _load_shapes(directory, province):
    """Store the boundaries of the GeoJSON files in `directory`; return how many."""
    count = 0
    for path in sorted(directory.glob("*.geojson")) if directory.exists() else []:
        with open(path, encoding="utf-8") as file:
            features = json.load(file)["features"]
        shapes = [
            Shape(code=f["properties"]["code"], geometry=f["geometry"])
            for f in features
            if province is None
            or f["properties"]["code"] == province
            or f["properties"]["code"].startswith(f"{province}.")
        ]
        for batch in batched(shapes, BATCH_SIZE // 10):
            Shape.objects.bulk_create(
                batch, update_conflicts=True, unique_fields=["code"], update_fields=["geometry"]
            )
        count += len(shapes)
    return count


def _model_for(code):
    """The region model of a code, by its number of dotted parts."""
    return [Provinsi, Kabupaten, Kecamatan, Desa][code.count(".")]


def batched(iterable, size):
    """itertools.batched, which needs Python 3.12."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _read(path, province):
    with open(path, newline="", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if (
                province is None
                or row["code"] == province
                or row["code"].startswith(f"{province}.")
            ):
                yield row


def _parent(parent, row):
    return {f"{parent}_id": row["parent_code"]} if parent else {}
