import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.models import Campaign
from tests.factories import CampaignFactory


@pytest.fixture
def demo(db):
    """The demo campaign with its real 2024 dates: the numbers of DOMAIN.md's example."""
    call_command("seed_demo", "--historical", verbosity=0)
    return Campaign.objects.get(slug="ttu-2024")


@pytest.fixture
def campaign(db):
    """A campaign running today: ten days in, ten days to its target, no extension."""
    today = timezone.localdate()
    return CampaignFactory(
        start_date=today - datetime.timedelta(days=10),
        target_date=today + datetime.timedelta(days=10),
        extension_date=None,
        election_date=today + datetime.timedelta(days=17),
    )
