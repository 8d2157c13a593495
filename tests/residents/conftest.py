"""Fixtures shared by the residents tests."""

import pytest

from tests.factories import BacklogEntryFactory, CampaignFactory, DesaFactory, KecamatanFactory


@pytest.fixture
def campaign():
    return CampaignFactory(slug="ttu")  # 18 Jan to 10 Feb 2024


@pytest.fixture
def kecamatan(campaign):
    kecamatan = KecamatanFactory(kabupaten=campaign.kabupaten, name="Miomaffo Barat")
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=300)
    return kecamatan


@pytest.fixture
def kefamenanu_utara(campaign):
    """Kefamenanu Utara (53.03.05.1001), in the campaign's kabupaten: the kelurahan of the
    residents in the lists the import tests upload."""
    kecamatan = KecamatanFactory(code="53.03.05", kabupaten=campaign.kabupaten)
    return DesaFactory(kecamatan=kecamatan, code="53.03.05.1001", name="Kefamenanu Utara")
