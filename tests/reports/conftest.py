import pytest
from django.core.management import call_command

from campaigns.models import Campaign


@pytest.fixture
def demo(db):
    """The demo campaign with its real 2024 dates: the numbers of DOMAIN.md's example."""
    call_command("seed_demo", "--historical", verbosity=0)
    return Campaign.objects.get(slug="ttu-2024")
