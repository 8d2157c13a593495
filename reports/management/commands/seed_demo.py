from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext

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
        if result.created:
            message = gettext(
                "Demo %(slug)s loaded: starts %(start)s, target %(target)s, "
                "extension %(extension)s."
            )
        else:
            message = gettext(
                "Demo %(slug)s already there, left unchanged: starts %(start)s, "
                "target %(target)s, extension %(extension)s."
            )
        self.stdout.write(
            self.style.SUCCESS(
                message
                % {
                    "slug": campaign.slug,
                    "start": f"{campaign.start_date:%d/%m/%Y}",
                    "target": f"{campaign.target_date:%d/%m/%Y}",
                    "extension": f"{campaign.extension_date:%d/%m/%Y}",
                }
            )
        )
        users = ", ".join(username for username, _ in demo.USERS)
        self.stdout.write(
            gettext("Demo users: %(users)s; password: %(password)s")
            % {"users": users, "password": demo.DEMO_PASSWORD}
        )
