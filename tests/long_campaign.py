"""A made-up campaign as long as Kabupaten Yahukimo's (51 kecamatan, or distrik): what the
briefing must still print on one A4 page and the map must still draw."""

import datetime

from django.utils import timezone

from regions.models import Shape
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KabupatenFactory,
    KecamatanFactory,
    ProvinsiFactory,
    VisitFactory,
)

KECAMATAN = 51
WITHOUT_SHAPE = 1  # the last one: left off the map, and the page says so


def square(lng, lat, size=0.1):
    return {
        "type": "Polygon",
        "coordinates": [
            [[lng, lat], [lng + size, lat], [lng + size, lat - size], [lng, lat - size], [lng, lat]]
        ],
    }


def campaign_of_51_kecamatan(slug="yahukimo-uji", today=None):
    """Distrik in a 9-wide grid of squares near Dekai; five days reported by two sets, then a
    visit a day each to the target date; the last distrik has no shape."""
    today = today or timezone.localdate()
    provinsi = ProvinsiFactory(code="95", name="Papua Pegunungan")
    kabupaten = KabupatenFactory(code="95.03", name="Kabupaten Yahukimo", provinsi=provinsi)
    kecamatan = []
    for i in range(KECAMATAN):
        k = KecamatanFactory(
            kabupaten=kabupaten,
            code=f"95.03.{i + 1:02d}",
            name=f"Distrik Contoh Panjang {i + 1:02d}",
            lat=-4.0 - (i // 9) * 0.1 - 0.05,
            lng=139.0 + (i % 9) * 0.1 + 0.05,
        )
        if i < KECAMATAN - WITHOUT_SHAPE:
            Shape.objects.create(
                code=k.code, geometry=square(139.0 + (i % 9) * 0.1, -4.0 - (i // 9) * 0.1)
            )
        kecamatan.append(k)
    start = today - datetime.timedelta(days=5)
    campaign = CampaignFactory(
        slug=slug,
        name="Perekaman e-KTP Kabupaten Yahukimo (contoh)",
        kabupaten=kabupaten,
        start_date=start,
        target_date=today + datetime.timedelta(days=15),
        extension_date=today + datetime.timedelta(days=18),
        election_date=today + datetime.timedelta(days=22),
    )
    for i, k in enumerate(kecamatan):
        BacklogEntryFactory(campaign=campaign, kecamatan=k, date=start, change=150 + 7 * i)
    sets = [
        DeviceFactory(code=f"YHK-{n}", home_kecamatan=kecamatan[0], state_from=start)
        for n in (1, 2)
    ]
    day, place = start, 0
    while day <= campaign.target_date:
        for device in sets:
            visit = VisitFactory(
                campaign=campaign, date=day, device=device, kecamatan=kecamatan[place % KECAMATAN]
            )
            if day < today:
                DailyReportFactory(visit=visit, recorded_count=60)
            place += 1
        day += datetime.timedelta(days=1)
    return campaign
