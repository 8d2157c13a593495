"""A province's roll-up for the Polda: /provinces/<code>/, its exports, who sees it."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.progress import campaign_progress, campaigns_progress
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DeviceFactory,
    KabupatenFactory,
    KecamatanFactory,
    ProvinsiFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = {"as_of": "2024-01-23"}  # day 6 of campaigns from 18 January to 7 (10) February
NTT = "53"

# (kabupaten name, backlog, reports as (day, recorded), late visits): one of each status.
CAMPAIGNS = [
    ("Kupang", 1000, [(18, 300), (19, 300)], 0),  # 400 left at 300 a day: on track
    ("Belu", 5000, [(18, 100)], 2),  # 49 days at 100 a day: off track
    ("Alor", 200, [(18, 120), (19, 80)], 0),  # done
    ("Sikka", 1800, [(20, 100)], 1),  # 17 days: 9 February, within the extension
    ("Ende", 500, [], 0),  # no reports: no pace, off track
    ("Flores Timur", 3000, [(18, 100), (19, 100), (22, 100)], 1),  # 27 days: off track
]


def kabupaten_campaign(number, name, backlog, reports, late):
    kabupaten = KabupatenFactory(
        code=f"53.{number + 10:02d}", name=f"Kabupaten {name}", provinsi=ProvinsiFactory()
    )
    campaign = CampaignFactory(kabupaten=kabupaten, slug=f"kab-{number}")
    kecamatan = KecamatanFactory(kabupaten=kabupaten)
    KecamatanFactory(kabupaten=kabupaten)  # a second one, with no backlog
    BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan, change=backlog)
    for day, count in reports:
        visit = VisitFactory(
            campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, day), device=DeviceFactory()
        )
        DailyReportFactory(visit=visit, recorded_count=count, first_time_voters=0)
    for i in range(late):
        VisitFactory(
            campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 21 + i), device=DeviceFactory()
        )
    VisitFactory(campaign=campaign, kecamatan=kecamatan, date=D(2024, 1, 30))  # to come
    return campaign


def make_campaigns(first, last):
    return [kabupaten_campaign(n, *CAMPAIGNS[n]) for n in range(first, last)]


@pytest.fixture
def six(db):
    return make_campaigns(0, 6)


@pytest.fixture
def koordinator(client, koordinator_user):
    client.force_login(koordinator_user)
    client.cookies["django_language"] = "en"
    return client


def rollup_url(code=NTT):
    return reverse("provinces:rollup", args=[code])


def page_rows(client, **params):
    response = client.get(rollup_url(), AS_OF | params)
    assert response.status_code == 200
    return list(response.context["table"].data)


def json_of(client, slug):
    return client.get(reverse("campaigns:progress_json", args=[slug]), AS_OF).json()


# The numbers ---------------------------------------------------------------------------------


def test_every_row_has_the_numbers_of_its_campaigns_progress_json(koordinator, six):
    rows = page_rows(koordinator)

    assert len(rows) == 6
    statuses = set()
    for row in rows:
        want = json_of(koordinator, row.slug)
        assert (
            row.name,
            row.status,
            row.target,
            row.recorded,
            row.percent_recorded,
            row.remaining,
            row.projected_completion_date and row.projected_completion_date.isoformat(),
            row.devices_needed,
            row.devices_needed_extension,
            row.late_reports,
        ) == (
            want["name"],
            want["status"],
            want["target"],
            want["recorded"],
            want["percent_recorded"],
            want["remaining"],
            want["projected_completion_date"],
            want["devices_needed"],
            want["devices_needed_extension"],
            len(want["missing_reports"]),
        )
        statuses.add(row.status)
    assert statuses == {"done", "on_track", "needs_extension", "off_track"}


def test_the_demo_campaign_has_the_worked_example(koordinator):
    from django.core.management import call_command

    call_command("seed_demo", "--historical", verbosity=0)
    (row,) = page_rows(koordinator)
    assert (row.kabupaten, row.status, row.remaining, row.percent_recorded) == (
        "Kabupaten Timor Tengah Utara",
        "off_track",
        4562,
        14.12,
    )
    assert (row.projected_completion_date, row.devices_needed, row.devices_needed_extension) == (
        D(2024, 2, 23),
        5,
        4,  # 253.44 a day to 10 February at 75 a set
    )


def test_the_batched_progress_is_each_campaigns_own(six):
    as_of = D(2024, 1, 23)
    many = campaigns_progress(campaigns=reversed(six), as_of=as_of)
    assert [p.campaign for p in many] == list(reversed(six))
    for batched in many:
        alone = campaign_progress(campaign=batched.campaign, as_of=as_of)
        assert batched.as_json() == alone.as_json()
    assert campaigns_progress(campaigns=[], as_of=as_of) == []


# The page ------------------------------------------------------------------------------------


def test_the_default_order_is_by_need(koordinator, six):
    rows = page_rows(koordinator)
    assert [(row.kabupaten, row.status) for row in rows] == [
        ("Kabupaten Belu", "off_track"),  # the most sets needed first
        ("Kabupaten Flores Timur", "off_track"),
        ("Kabupaten Ende", "off_track"),  # no pace: sets unknown
        ("Kabupaten Sikka", "needs_extension"),
        ("Kabupaten Kupang", "on_track"),
        ("Kabupaten Alor", "done"),
    ]
    assert rows[0].devices_needed > rows[1].devices_needed


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [
        ("remaining", "remaining", False),
        ("-remaining", "remaining", True),
        ("kabupaten", "kabupaten", False),
        ("-percent_recorded", "percent_recorded", True),
        ("late_reports", "late_reports", False),
        ("devices_needed_extension", "devices_needed_extension", False),
    ],
)
def test_every_column_sorts_on_the_server(koordinator, six, sort, key, reverse):
    values = [getattr(row, key) for row in page_rows(koordinator, sort=sort)]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=reverse)


def test_the_headers_link_to_sorting_and_the_status_sorts_by_need(koordinator, six):
    page = koordinator.get(rollup_url(), AS_OF).content.decode()
    for column in [
        "kabupaten",
        "status",
        "percent_recorded",
        "remaining",
        "projected_completion_date",
        "devices_needed",
        "devices_needed_extension",
        "late_reports",
    ]:
        assert f"sort={column}" in page, column
    rows = page_rows(koordinator, sort="-status")
    assert [row.status for row in rows][:1] == ["done"]
    sorted_page = koordinator.get(rollup_url(), AS_OF | {"sort": "-remaining"}).content.decode()
    assert "Default order" in sorted_page


def test_the_page_shows_labels_numbers_totals_and_links_to_each_dashboard(koordinator, six):
    page = koordinator.get(rollup_url(), AS_OF).content.decode()
    assert "Province Nusa Tenggara Timur" in page
    for label in ["Off track", "Needs the extension", "On track", "Done"]:
        assert label in page
    dashboard = reverse("campaigns:dashboard", args=["kab-1"])
    assert f'href="{dashboard}?as_of=2024-01-23"' in page
    # The totals row: the province's remaining (400+4900+0+1700+500+2700) and late reports.
    footer = page[page.index("<tfoot") : page.index("</tfoot>")]
    assert "Total" in footer and "10,200" in footer and ">4<" in footer.replace(" ", "")
    assert "01/30/2024" not in page  # no visit dates here; the projected ends are:
    assert "02/09/2024" in page  # Sikka's, within the extension


def test_a_province_with_no_backlog_yet_has_no_percent(koordinator):
    CampaignFactory(kabupaten=KabupatenFactory(code="53.10", provinsi=ProvinsiFactory()))
    page = koordinator.get(rollup_url(), AS_OF).content.decode()
    footer = page[page.index("<tfoot") : page.index("</tfoot>")]
    assert "None" not in footer and "—" in footer


def test_the_page_in_indonesian(client, koordinator_user, six):
    client.force_login(koordinator_user)
    page = client.get(rollup_url(), AS_OF).content.decode()
    assert "Provinsi Nusa Tenggara Timur" in page
    for label in ["Tidak tepat waktu", "Perlu perpanjangan", "Tepat waktu", "Selesai"]:
        assert label in page
    assert "10.200" in page and "09/02/2024" in page


def test_a_province_without_campaigns_says_so_and_an_unknown_code_is_404(koordinator):
    ProvinsiFactory(code="94", name="Papua")
    response = koordinator.get(rollup_url("94"))
    assert response.status_code == 200
    assert "No campaign in Papua yet" in response.content.decode()
    koordinator.cookies["django_language"] = "id"
    assert "Belum ada kegiatan di Papua" in koordinator.get(rollup_url("94")).content.decode()
    assert koordinator.get(rollup_url("99")).status_code == 404


def test_a_bad_day_is_explained_and_an_export_for_it_refused(koordinator, six):
    response = koordinator.get(rollup_url(), {"as_of": "2030-01-01"})
    assert response.status_code == 200
    assert "Choose a day from" in response.content.decode()
    response = koordinator.get(rollup_url(), {"as_of": "kemarin", "_export": "csv"})
    assert response.status_code == 400


def test_the_campaign_list_links_to_each_province_with_campaigns(koordinator, six):
    ProvinsiFactory(code="94", name="Papua")
    page = koordinator.get(reverse("campaigns:list")).content.decode()
    assert f'href="{rollup_url(NTT)}"' in page
    assert rollup_url("94") not in page


# Who sees it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["koordinator_user", "operator_user", "admin_member"])
def test_the_roles_that_see_dashboards_see_it(client, request, six, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(rollup_url(), AS_OF).status_code == 200


def test_no_role_no_roll_up_and_anonymous_logs_in(client, six):
    response = client.get(rollup_url())
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get(rollup_url()).status_code == 403
    assert client.get(rollup_url(), {"_export": "csv"}).status_code == 403


# Exports -------------------------------------------------------------------------------------


def excel_id_number(cell):
    """A cell as Indonesian Excel reads a number: a point groups thousands, a comma is the
    decimal mark."""
    return float(cell.replace(".", "").replace(",", ".")) if cell else None


def test_the_csv_opens_in_indonesian_excel_with_the_numbers_of_the_json(
    client, koordinator_user, six
):
    client.force_login(koordinator_user)
    response = client.get(rollup_url(), AS_OF | {"_export": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="provinsi-53-2024-01-23.csv"'
    text = response.content.decode("utf-8-sig")
    header, *lines = [line.split(";") for line in text.splitlines()]
    assert header[:5] == ["Kegiatan", "Kode", "Kabupaten/kota", "Nama kegiatan", "Status"]
    assert len(lines) == 6 and {len(line) for line in lines} == {13}
    for slug, code, _kab, name, _status, *numbers, projected, sets, sets_ext, late in lines:
        target, recorded, percent, remaining = map(excel_id_number, numbers)
        want = json_of(client, slug)
        assert (name, code) == (want["name"], f"53.{int(slug[4:]) + 10}")
        assert (target, recorded, remaining, percent) == (
            want["target"],
            want["recorded"],
            want["remaining"],
            want["percent_recorded"],
        )
        assert (projected or None) == want["projected_completion_date"]
        assert (excel_id_number(sets), excel_id_number(sets_ext), excel_id_number(late)) == (
            want["devices_needed"],
            want["devices_needed_extension"],
            len(want["missing_reports"]),
        )
    assert any("," in line[7] for line in lines)  # a decimal comma, never a point
    assert not any("." in line[7] for line in lines)


def test_the_csv_in_english_keeps_commas_and_points(koordinator, six):
    response = koordinator.get(rollup_url(), AS_OF | {"_export": "csv", "sort": "kabupaten"})
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [
        "Campaign",
        "Code",
        "Regency/city",
        "Campaign name",
        "Status",
        "Target",
        "Recorded",
        "% recorded",
        "Remaining",
        "Projected end",
        "Sets needed by the target date",
        "Sets needed by the extension",
        "Late reports",
    ]
    # The page's order (here sorted by name) and English status labels.
    assert [row[2] for row in rows] == sorted(row[2] for row in rows)
    kupang = next(row for row in rows if row[2] == "Kabupaten Kupang")
    assert (kupang[4], kupang[7], kupang[8]) == ("On track", "60.0", "400")


def test_the_xlsx_has_the_same_numbers(koordinator, six):
    response = koordinator.get(rollup_url(), AS_OF | {"_export": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="provinsi-53-2024-01-23.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    _header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 6
    for slug, *_, target, recorded, percent, remaining, projected, sets, sets_ext, late in rows:
        want = json_of(koordinator, slug)
        assert (target, recorded, percent, remaining, sets, sets_ext, late) == (
            want["target"],
            want["recorded"],
            want["percent_recorded"],
            want["remaining"],
            want["devices_needed"],
            want["devices_needed_extension"],
            len(want["missing_reports"]),
        )
        assert (projected and projected.date().isoformat()) == want["projected_completion_date"]


# Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("params", [{}, {"sort": "-remaining"}, {"_export": "csv"}])
def test_two_or_six_campaigns_run_the_same_queries(koordinator, params):
    make_campaigns(0, 2)
    with CaptureQueriesContext(connection) as two:
        response = koordinator.get(rollup_url(), AS_OF | params)
    assert response.status_code == 200
    make_campaigns(2, 6)
    with CaptureQueriesContext(connection) as six:
        response = koordinator.get(rollup_url(), AS_OF | params)
    assert response.status_code == 200
    assert len(six) == len(two)
