"""The dashboard's first screen answers the meeting's three questions: will we finish, how many
more sets, and where next; the briefing carries the same, in the table's need order."""

import datetime
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from reports.progress import campaign_progress
from reports.sets_needed import SetsNeeded, sets_needed, sets_working
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KecamatanFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
REVIEW_DAY = D(2024, 1, 23)


class _Text(HTMLParser):
    """The text inside the first element whose class list holds `name`."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "circle", "rect", "path", "line"}

    def __init__(self, name):
        super().__init__()
        self.name, self.depth, self.parts, self.done = name, 0, [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID or self.done:
            return
        if self.depth:
            self.depth += 1
        elif self.name in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if tag in self.VOID or not self.depth:
            return
        self.depth -= 1
        self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(response, name):
    parser = _Text(name)
    parser.feed(response.text)
    assert parser.parts, name
    return " ".join("".join(parser.parts).split())


def first_screen(client, campaign, as_of):
    response = client.get(reverse("campaigns:dashboard", args=[campaign.slug]), {"as_of": as_of})
    assert response.status_code == 200
    return response


def test_sets_needed_to_both_deadlines_as_more_than_those_working(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    response = first_screen(client, demo, "2024-01-23")
    rows = response.context["sets_needed"]
    # 304.13 a day to 7 February and 253.44 to 10 February, at 75 a set: 5 and 4 sets in all;
    # TTU-01 and TTU-02 work today (TTU-03 is stationary at the office and makes no visits).
    assert [(r.deadline, r.total, r.working, r.more) for r in rows] == [
        (D(2024, 2, 7), 5, 2, 3),
        (D(2024, 2, 10), 4, 2, 2),
    ]
    text = text_of(response, "sets-needed")
    assert "3 alat lagi, selain 2 yang bekerja hari ini" in text
    assert "agar selesai pada 07/02/2024 (tanggal target), seluruhnya 5 alat" in text
    assert "2 alat lagi, selain 2 yang bekerja hari ini" in text
    assert "agar selesai pada 10/02/2024 (perpanjangan), seluruhnya 4 alat" in text


def test_after_the_target_date_only_the_extension(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    response = first_screen(client, demo, "2024-02-08")
    # 4,562 left (nothing reported after 22 January) in the 2 days to 10 February:
    # 2,281 a day, 31 sets at 75.
    [row] = response.context["sets_needed"]
    assert (row.deadline, row.total, row.working, row.more) == (D(2024, 2, 10), 31, 2, 29)
    text = text_of(response, "sets-needed")
    assert "29 alat lagi, selain 2 yang bekerja hari ini" in text
    assert "tanggal target" not in text and "perpanjangan" in text


def test_past_every_deadline_and_done(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    response = first_screen(client, demo, "2024-02-11")
    assert response.context["sets_needed"] == []
    assert "Semua batas waktu sudah lewat." in text_of(response, "sets-needed")


def test_enough_sets_and_no_pace_yet():
    enough = SetsNeeded(deadline=D(2024, 2, 7), deadline_label="x", total=2, working=3)
    assert enough.more == 0 and enough.headline == "3 alat yang bekerja hari ini sudah cukup"
    unknown = SetsNeeded(deadline=D(2024, 2, 7), deadline_label="x", total=None, working=2)
    assert unknown.more is None and "belum ada laporan" in unknown.headline.lower()


@pytest.fixture
def hand_made():
    """Four sets based in the campaign's kabupaten today: a mobile one at work, a stationary
    one visiting at its office, a stationary one with no visit, and one under repair."""
    today = timezone.localdate()
    office = KecamatanFactory()
    campaign = CampaignFactory(
        kabupaten=office.kabupaten,
        start_date=today - datetime.timedelta(days=3),
        target_date=today + datetime.timedelta(days=4),
        extension_date=today + datetime.timedelta(days=6),
        election_date=today + datetime.timedelta(days=10),
    )
    BacklogEntryFactory(campaign=campaign, kecamatan=office, change=1000)
    mobile = DeviceFactory(home_kecamatan=office)
    stationary = DeviceFactory(home_kecamatan=office, mode="stationary")
    DeviceFactory(home_kecamatan=office, mode="stationary")
    DeviceFactory(home_kecamatan=office, condition="under_repair")
    yesterday = today - datetime.timedelta(days=1)
    DailyReportFactory(
        visit=VisitFactory(campaign=campaign, device=mobile, kecamatan=office, date=yesterday),
        recorded_count=100,
    )
    VisitFactory(campaign=campaign, device=stationary, kecamatan=office, date=today)
    return campaign, today


def test_sets_working_today_on_a_hand_made_campaign(hand_made):
    campaign, today = hand_made
    assert sets_working(campaign, today) == 2  # the mobile one and the stationary one out
    progress = campaign_progress(campaign=campaign, as_of=today)
    # 900 left: 225 a day in 4 days, 150 a day in 6; 100 a set a day: 3 and 2 sets.
    rows = sets_needed(progress)
    assert [(r.total, r.more) for r in rows] == [(3, 1), (2, 0)]
    assert rows[1].headline == "2 alat yang bekerja hari ini sudah cukup"


def test_the_next_places_are_the_top_of_the_need_ranking(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    response = first_screen(client, demo, "2024-01-23")
    names = [row.name for row in response.context["next_places"]]
    # Coverage gaps first, largest backlog first (the kecamatan table's default order).
    assert names == [
        "Kota Kefamenanu",
        "Biboki Anleu",
        "Biboki Moenleu",
        "Noemuti Timur",
        "Miomaffo Barat",
    ]
    text = text_of(response, "next-places")
    assert "Kota Kefamenanu: sisa 175 Belum terjadwal" in text
    link = reverse("campaigns:kecamatan", args=[demo.slug]) + "?as_of=2024-01-23"
    assert link in response.text


def test_the_first_screen_shows_the_map(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    response = first_screen(client, demo, "2024-01-23")
    assert response.text.count('class="chart map"') == 1
    assert response.text.count('data-code="53.03.') == 24


def test_the_dashboard_query_count_does_not_grow(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    url = reverse("campaigns:dashboard", args=[demo.slug])
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"as_of": "2024-01-23"})
    for kecamatan in demo.kabupaten.kecamatan.all()[:5]:
        VisitFactory(campaign=demo, date=D(2024, 1, 24), kecamatan=kecamatan)
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"as_of": "2024-01-23"})
    assert len(after) == len(before)


def test_the_briefing_table_is_in_need_order(client, koordinator_user, demo):
    client.force_login(koordinator_user)
    response = client.get(reverse("campaigns:briefing", args=[demo.slug]), {"as_of": "2024-01-23"})
    rows = [row.name for row in response.context["rows"]]
    assert rows[:5] == [
        "Kota Kefamenanu",
        "Biboki Anleu",
        "Biboki Moenleu",
        "Noemuti Timur",
        "Miomaffo Barat",
    ]
    text = text_of(response, "briefing-table")
    assert text.index("Kota Kefamenanu") < text.index("Biboki Anleu") < text.index("Insana")
    assert "3 alat lagi, selain 2 yang bekerja hari ini" in text_of(response, "briefing-sets")
    assert 'class="chart map"' in response.text
    assert "https://wa.me/?text=" in response.text  # the share link stays


def test_the_wording_in_english():
    with translation.override("en"):
        row = SetsNeeded(deadline=D(2024, 2, 7), deadline_label="target date", total=5, working=2)
        assert row.headline == "3 more than the 2 working today"
        assert row.detail == "to finish by 02/07/2024 (target date), 5 sets in all"
        one = SetsNeeded(deadline=D(2024, 2, 7), deadline_label="target date", total=1, working=1)
        assert one.headline == "The 1 set working today is enough"
