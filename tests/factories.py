"""Test data. Regions use real TTU codes where they matter; dates follow the 2024 case."""

import datetime

import factory
from factory.django import DjangoModelFactory

D = datetime.date


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("ektp-test-2024")


class ProvinsiFactory(DjangoModelFactory):
    class Meta:
        model = "regions.Provinsi"
        django_get_or_create = ("code",)

    code = "53"
    name = "Nusa Tenggara Timur"


class KabupatenFactory(DjangoModelFactory):
    class Meta:
        model = "regions.Kabupaten"
        django_get_or_create = ("code",)

    code = "53.03"
    name = "Kabupaten Timor Tengah Utara"
    provinsi = factory.SubFactory(ProvinsiFactory)


class KecamatanFactory(DjangoModelFactory):
    class Meta:
        model = "regions.Kecamatan"
        django_get_or_create = ("code",)

    kabupaten = factory.SubFactory(KabupatenFactory)
    # Two digits, as real codes have (a desa code must fit its 13 characters).
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.kabupaten.code}.{n % 90 + 10:02d}")
    name = factory.Sequence(lambda n: f"Kecamatan {n}")


class DesaFactory(DjangoModelFactory):
    class Meta:
        model = "regions.Desa"
        django_get_or_create = ("code",)

    kecamatan = factory.SubFactory(KecamatanFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.kecamatan.code}.{2001 + n}")
    name = factory.Sequence(lambda n: f"Desa {n}")


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = "campaigns.Campaign"

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.Sequence(lambda n: f"Perekaman e-KTP {n}")
    kabupaten = factory.SubFactory(KabupatenFactory)
    start_date = D(2024, 1, 18)
    target_date = D(2024, 2, 7)
    extension_date = D(2024, 2, 10)
    election_date = D(2024, 2, 14)
    status = "active"


class DeviceFactory(DjangoModelFactory):
    """A set with one state record from 1 Jan 2024: mobile and working unless told otherwise."""

    class Meta:
        model = "devices.Device"
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    class Params:
        mode = "mobile"
        condition = "working"
        state_from = D(2024, 1, 1)

    code = factory.Sequence(lambda n: f"SP-{n + 1:02d}")
    home_kecamatan = factory.SubFactory(KecamatanFactory)
    home_office = "Kantor Dinas Dukcapil"
    state = factory.RelatedFactory(
        "tests.factories.DeviceStateFactory",
        factory_related_name="device",
        valid_from=factory.SelfAttribute("..state_from"),
        mode=factory.SelfAttribute("..mode"),
        condition=factory.SelfAttribute("..condition"),
    )


class DeviceStateFactory(DjangoModelFactory):
    class Meta:
        model = "devices.DeviceState"

    device = factory.SubFactory(DeviceFactory, state=None)
    valid_from = D(2024, 1, 1)
    mode = "mobile"
    condition = "working"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = "campaigns.Visit"

    campaign = factory.SubFactory(CampaignFactory)
    date = factory.SelfAttribute("campaign.start_date")
    device = factory.SubFactory(DeviceFactory)
    kecamatan = factory.SubFactory(
        KecamatanFactory, kabupaten=factory.SelfAttribute("..campaign.kabupaten")
    )
    planned_count = 100


class DailyReportFactory(DjangoModelFactory):
    class Meta:
        model = "reports.DailyReport"

    visit = factory.SubFactory(VisitFactory)
    recorded_count = 75
    first_time_voters = 10
    failed_count = 2


class BacklogEntryFactory(DjangoModelFactory):
    class Meta:
        model = "residents.BacklogEntry"

    campaign = factory.SubFactory(CampaignFactory)
    kecamatan = factory.SubFactory(
        KecamatanFactory, kabupaten=factory.SelfAttribute("..campaign.kabupaten")
    )
    date = factory.SelfAttribute("campaign.start_date")
    kind = "baseline"
    change = 200


class ResidentFactory(DjangoModelFactory):
    """An unrecorded man born 1 Jan 1990, first issued a NIK in Kota Kefamenanu (530305)."""

    class Meta:
        model = "residents.Resident"

    campaign = factory.SubFactory(CampaignFactory)
    nik = factory.Sequence(lambda n: f"530305010190{n % 9999 + 1:04d}")  # text, never a number
    name = factory.Sequence(lambda n: f"Penduduk {n}")
    sex = "L"
    birth_date = D(1990, 1, 1)
    desa = factory.SubFactory(
        DesaFactory,
        kecamatan=factory.SubFactory(
            KecamatanFactory, kabupaten=factory.SelfAttribute("...campaign.kabupaten")
        ),
    )
