from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from regions import services


class Command(BaseCommand):
    help = (
        "Load the Kemendagri regions (provinsi, kabupaten/kota, kecamatan, desa/kelurahan) "
        "from the bundled CSVs, with their centroids and shapes where the data has them. "
        "Safe to run again: it updates, never duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", help="Only this province, by its Kemendagri code (e.g. 53 for NTT)."
        )

    def handle(self, *args, province=None, **options):
        try:
            counts = services.regions_import(province=province)
        except services.UnknownProvince:
            raise CommandError(
                gettext("There is no province with the code %(code)s in the region data.")
                % {"code": repr(province)}
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Regions loaded: %(provinsi)s provinsi, %(kabupaten)s kabupaten/kota, "
                    "%(kecamatan)s kecamatan, %(desa)s desa/kelurahan; %(centroids)s centroids, "
                    "%(shapes)s shapes."
                )
                % counts
            )
        )
