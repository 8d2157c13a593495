import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from regions.models import Kabupaten
from regions.services import regions_import
from reports.scale import seed_scale


class Command(BaseCommand):
    help = (
        "For benchmarks: every kabupaten/kota with a campaign (sets, 25 days of visits, "
        "reports, baselines) and a resident list spread over its desa; the same seed gives "
        "the same rows. Loads the regions first when they are missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=2_000_000, help="National total.")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--campaigns", type=int, help="Only this many kabupaten, drawn by the seed."
        )
        parser.add_argument(
            "--only", nargs="+", metavar="CODE", help="Only these kabupaten (e.g. 53.03)."
        )

    def handle(self, *args, residents, seed, campaigns, only, **options):
        if residents < 0 or (campaigns is not None and campaigns < 1):
            raise CommandError(gettext("The numbers must be positive."))
        if not Kabupaten.objects.exists():
            regions_import()
        total = Kabupaten.objects.count()
        if campaigns is not None and campaigns > total:
            raise CommandError(
                gettext("There are only %(count)s kabupaten/kota.") % {"count": total}
            )
        unknown = sorted(set(only or []) - set(Kabupaten.objects.values_list("code", flat=True)))
        if unknown:
            raise CommandError(
                gettext("Unknown kabupaten/kota: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        began = time.perf_counter()
        made = seed_scale(residents=residents, seed=seed, campaigns=campaigns, only=only)
        made["seconds"] = round(time.perf_counter() - began, 1)
        self.stdout.write(
            gettext(
                "Made %(campaigns)s campaigns, %(sets)s sets, %(visits)s visits, %(reports)s "
                "reports and %(residents)s residents in %(seconds)s s."
            )
            % made
        )
