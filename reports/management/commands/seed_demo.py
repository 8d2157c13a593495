from django.core.management.base import BaseCommand
from django.utils import timezone

from reports import demo


class Command(BaseCommand):
    help = (
        "Load the demo campaign of Kabupaten Timor Tengah Utara (January 2024) with its users. "
        "By default the dates move so that day 6 (23 January) is today."
    )

    def add_arguments(self, parser):
        parser.add_argument("--historical", action="store_true", help="Keep the real 2024 dates.")

    def handle(self, *args, historical=False, **options):
        result = demo.demo_load(today=timezone.localdate(), historical=historical)
        campaign = result.campaign
        verb = "dimuat" if result.created else "sudah ada, tidak diubah"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo {campaign.slug} {verb}: mulai {campaign.start_date:%d/%m/%Y}, "
                f"target {campaign.target_date:%d/%m/%Y}, "
                f"perpanjangan {campaign.extension_date:%d/%m/%Y}."
            )
        )
        users = ", ".join(username for username, _ in demo.USERS)
        self.stdout.write(f"Pengguna demo: {users}; kata sandi: {demo.DEMO_PASSWORD}")
