"""The Django admin: every model's pages, fixed query counts, scheduling, and rules as form
errors (never a server error)."""

import datetime
import itertools

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.forms import MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from simple_history.admin import SimpleHistoryAdmin

from campaigns.admin import HistoryAdmin
from campaigns.models import Campaign, OperatorScope, Visit
from devices.models import DeviceState
from reports.models import DailyReport
from residents.models import BacklogEntry, ExportLog
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    DailyReportFactory,
    DesaFactory,
    DeviceFactory,
    DeviceStateFactory,
    KabupatenFactory,
    KecamatanFactory,
    ProvinsiFactory,
    ResidentFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
_numbers = itertools.count(60)


def _desa(kecamatan=None):
    return DesaFactory(kecamatan=kecamatan or KecamatanFactory())


@pytest.fixture
def admin_client_member(client, admin_member):
    """A client logged in as a member of the Admin group (staff, not superuser)."""
    client.force_login(admin_member)
    return client


# One more row of each model's changelist, with its relations filled in.


def _provinsi():
    return ProvinsiFactory(code=str(next(_numbers)), name="Provinsi Uji")


def _kabupaten():
    return KabupatenFactory(code=f"53.{next(_numbers)}", name="Kabupaten Uji")


def _visit():
    visit = VisitFactory(desa=_desa(), site_name="Balai Desa")
    visit.operators.add(UserFactory(), UserFactory())
    DailyReportFactory(visit=visit, created_by=UserFactory())
    return visit


def _user():
    user = UserFactory()
    OperatorScope.objects.create(user=user).kecamatan.add(KecamatanFactory())
    user.groups.add(Group.objects.get(name="Operator"))
    return user


ROWS = {
    "regions_provinsi": _provinsi,
    "regions_kabupaten": _kabupaten,
    "regions_kecamatan": KecamatanFactory,
    "regions_desa": _desa,
    "campaigns_campaign": lambda: VisitFactory().campaign,
    "campaigns_visit": _visit,
    "devices_device": DeviceFactory,
    "devices_devicestate": lambda: DeviceStateFactory(recorded_by=UserFactory()),
    "residents_backlogentry": lambda: BacklogEntryFactory(created_by=UserFactory()),
    "reports_dailyreport": lambda: DailyReportFactory(created_by=UserFactory()),
    "residents_resident": lambda: ResidentFactory(recorded_visit=None),
    "auth_user": _user,
}


@pytest.mark.parametrize("name", ROWS)
def test_every_model_has_changelist_add_and_change_pages(admin_client_member, name):
    obj = ROWS[name]()

    changelist = admin_client_member.get(reverse(f"admin:{name}_changelist"))
    add = admin_client_member.get(reverse(f"admin:{name}_add"))
    change = admin_client_member.get(reverse(f"admin:{name}_change", args=[obj.pk]))

    assert (changelist.status_code, add.status_code, change.status_code) == (200, 200, 200)
    assert escape(str(obj)) in changelist.content.decode()
    assert escape(str(obj)) in change.content.decode()


@pytest.mark.parametrize("name", ROWS)
def test_changelist_queries_do_not_grow_with_rows(admin_client_member, name):
    url = reverse(f"admin:{name}_changelist")
    ROWS[name]()
    admin_client_member.get(url)  # warm the caches (content types, permissions)
    with CaptureQueriesContext(connection) as one:
        assert admin_client_member.get(url).status_code == 200
    for _ in range(5):
        ROWS[name]()
    with CaptureQueriesContext(connection) as six:
        assert admin_client_member.get(url).status_code == 200
    assert len(six) == len(one), "\n".join(q["sql"][:300] for q in six.captured_queries)


def test_history_pages_show(admin_client_member):
    report = DailyReportFactory()
    for obj in [report, report.visit, report.visit.campaign, BacklogEntryFactory()]:
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
        assert admin_client_member.get(url).status_code == 200


def test_history_pages_answer_404_for_an_id_that_is_not_one(admin_client_member):
    report = DailyReportFactory()
    objects = [
        report,
        report.visit,
        report.visit.campaign,
        BacklogEntryFactory(),
        ResidentFactory(),
    ]
    with_history = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    }
    assert {type(obj) for obj in objects} == set(with_history)  # every one of them is tried
    for obj in objects:
        assert isinstance(with_history[type(obj)], HistoryAdmin)
        prefix = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
        version = obj.history.first().history_id
        record = reverse(f"{prefix}_simple_history", args=[obj.pk, version])
        assert admin_client_member.get(record).status_code == 200
        for url in [
            reverse(f"{prefix}_simple_history", args=[obj.pk, "abc"]),
            reverse(f"{prefix}_simple_history", args=[obj.pk, 2**70]),
            reverse(f"{prefix}_simple_history", args=["abc", version]),
            reverse(f"{prefix}_history", args=["abc"]),
        ]:
            assert admin_client_member.get(url).status_code == 404, url


def test_staff_only(client, operator_user, koordinator_user):
    for user in [operator_user, koordinator_user]:
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# Helpers for posting forms.


def _form_data(response):
    """The POST data of an admin form as the page shows it, saved inline rows included."""
    forms, data = [response.context["adminform"].form], {}
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        data[management.add_prefix("TOTAL_FORMS")] = formset.initial_form_count()
        forms += formset.initial_forms
    for form in forms:
        for name, field in form.fields.items():
            key, value = form.add_prefix(name), form[name].value()
            if isinstance(field.widget, MultiWidget):  # a date and a time
                for suffix, part in zip(
                    field.widget.widgets_names, field.widget.decompress(value), strict=True
                ):
                    data[key + suffix] = "" if part is None else part
            elif value is True:
                data[key] = "on"
            elif value not in (None, False):
                data[key] = value
    return data


def _codes(response):
    """The error codes of the page's form and inline formsets."""
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += inline.formset.forms
    return {
        error.code
        for form in forms
        for errors in form.errors.as_data().values()
        for error in errors
    }


def _refused(response, code):
    """The form came back (not a 500, not saved) with the error's message on the page."""
    assert response.status_code == 200
    assert code in _codes(response)
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms += inline.formset.forms
    messages = [m for form in forms for errors in form.errors.values() for m in errors]
    content = response.content.decode()
    assert messages
    assert all(escape(message) in content for message in messages)


def _visit_data(campaign, device, kecamatan, day, **extra):
    """A visit's form fields; without the campaign for a row of the campaign's form."""
    data = {
        "date": day.isoformat(),
        "device": device.pk,
        "kecamatan": kecamatan.pk,
        "desa": "",
        "site_name": "Balai Desa Oelolok",
        "planned_count": 80,
        **extra,
    }
    if campaign:
        data["campaign"] = campaign.pk
    return data


# Scheduling a visit.


def test_admin_schedules_a_visit(admin_client_member, admin_member, operator_user):
    campaign, device = CampaignFactory(), DeviceFactory()
    kecamatan = KecamatanFactory()
    desa = _desa(kecamatan)
    data = _visit_data(
        campaign, device, kecamatan, D(2024, 1, 23), desa=desa.pk, operators=[operator_user.pk]
    )

    response = admin_client_member.post(reverse("admin:campaigns_visit_add"), data)

    assert response.status_code == 302, _codes(response)
    visit = Visit.objects.get(campaign=campaign, device=device, date=D(2024, 1, 23))
    assert (visit.kecamatan, visit.desa) == (kecamatan, desa)
    assert list(visit.operators.all()) == [operator_user]
    assert visit.history.first().history_user == admin_member


def _campaign_form(client, campaign):
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    return url, _form_data(client.get(url))


def _add_rows(data, *rows):
    start = data["visits-TOTAL_FORMS"]
    for i, row in enumerate(rows, start):
        data.update({f"visits-{i}-{key}": value for key, value in row.items()})
    data["visits-TOTAL_FORMS"] = start + len(rows)
    return data


def test_admin_schedules_visits_in_the_campaign_form(admin_client_member, operator_user):
    campaign = CampaignFactory()
    VisitFactory(campaign=campaign)
    kecamatan, device = KecamatanFactory(), DeviceFactory()
    url, data = _campaign_form(admin_client_member, campaign)
    row = _visit_data(None, device, kecamatan, D(2024, 1, 24), operators=[operator_user.pk])

    response = admin_client_member.post(url, _add_rows(data, row))

    assert response.status_code == 302, _codes(response)
    visit = campaign.visits.get(device=device)
    assert visit.date == D(2024, 1, 24)
    assert list(visit.operators.all()) == [operator_user]
    assert campaign.visits.count() == 2


def test_a_campaign_with_visits_can_be_closed(admin_client_member):
    campaign = VisitFactory().campaign
    url, data = _campaign_form(admin_client_member, campaign)
    data["status"] = Campaign.Status.CLOSED

    response = admin_client_member.post(url, data)

    assert response.status_code == 302, _codes(response)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED


def test_admin_creates_a_campaign_with_its_first_visit(admin_client_member):
    kabupaten, device = KabupatenFactory(), DeviceFactory()
    data = {
        "name": "Perekaman TTU",
        "slug": "perekaman-ttu",
        "kabupaten": kabupaten.pk,
        "status": "active",
        "start_date": "2024-01-18",
        "target_date": "2024-02-07",
        "extension_date": "2024-02-10",
        "election_date": "2024-02-14",
        "visits-TOTAL_FORMS": 0,
        "visits-INITIAL_FORMS": 0,
    }
    row = _visit_data(None, device, KecamatanFactory(), D(2024, 1, 18))

    response = admin_client_member.post(
        reverse("admin:campaigns_campaign_add"), _add_rows(data, row)
    )

    assert response.status_code == 302, _codes(response)
    assert Campaign.objects.get(slug="perekaman-ttu").visits.get().device == device


# Deadlines move only with a reason, kept in the history.


def test_moving_the_extension_date_needs_a_reason(admin_client_member, admin_member):
    campaign = CampaignFactory()
    url, data = _campaign_form(admin_client_member, campaign)
    data["extension_date"] = "2024-02-12"

    response = admin_client_member.post(url, data)

    _refused(response, "reason_required")
    campaign.refresh_from_db()
    assert campaign.extension_date == D(2024, 2, 10)

    data["change_reason"] = "Target not reached; Bupati extended to 12 Feb"
    response = admin_client_member.post(url, data)

    assert response.status_code == 302, _codes(response)
    campaign.refresh_from_db()
    assert campaign.extension_date == D(2024, 2, 12)
    record = campaign.history.first()
    assert record.history_change_reason == "Target not reached; Bupati extended to 12 Feb"
    assert record.history_user == admin_member
    history = admin_client_member.get(
        reverse("admin:campaigns_campaign_history", args=[campaign.pk])
    )
    assert "Bupati extended to 12 Feb" in history.content.decode()


def test_other_changes_need_no_reason(admin_client_member):
    campaign = CampaignFactory()
    url, data = _campaign_form(admin_client_member, campaign)
    data["name"] = "Perekaman e-KTP TTU 2024"

    assert admin_client_member.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Perekaman e-KTP TTU 2024"


def test_campaign_dates_cannot_leave_visits_outside(admin_client_member):
    visit = VisitFactory(date=D(2024, 1, 18))
    url, data = _campaign_form(admin_client_member, visit.campaign)
    data["start_date"] = "2024-01-20"

    _refused(admin_client_member.post(url, data), "visits_outside_campaign")
    visit.campaign.refresh_from_db()
    assert visit.campaign.start_date == D(2024, 1, 18)


def test_correcting_a_report_needs_a_reason(admin_client_member):
    report = DailyReportFactory()
    url = reverse("admin:reports_dailyreport_change", args=[report.pk])
    data = _form_data(admin_client_member.get(url))
    data["recorded_count"] = 80

    _refused(admin_client_member.post(url, data), "reason_required")
    data["change_reason"] = "Paper form recounted"
    assert admin_client_member.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.recorded_count == 80
    assert report.history.first().history_change_reason == "Paper form recounted"


def test_a_report_of_a_closed_campaign_needs_a_reason(admin_client_member):
    visit = VisitFactory(campaign=CampaignFactory(status=Campaign.Status.CLOSED))
    data = {"visit": visit.pk, "recorded_count": 75, "first_time_voters": 10, "failed_count": 2}
    url = reverse("admin:reports_dailyreport_add")

    _refused(admin_client_member.post(url, data), "reason_required")
    assert not DailyReport.objects.exists()
    data["change_reason"] = "Berita acara arrived late"
    assert admin_client_member.post(url, data).status_code == 302
    assert visit.report.history.first().history_change_reason == "Berita acara arrived late"


def test_correcting_a_ledger_entry_needs_a_reason(admin_client_member):
    entry = BacklogEntryFactory(change=200)
    url = reverse("admin:residents_backlogentry_change", args=[entry.pk])
    data = _form_data(admin_client_member.get(url))
    data["change"] = 210

    _refused(admin_client_member.post(url, data), "reason_required")
    data["change_reason"] = "Baseline recounted from the Dukcapil export"
    assert admin_client_member.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.change == 210


# Rules broken in the admin come back as form errors.


@pytest.mark.parametrize(
    ("device_kwargs", "day", "code"),
    [
        ({}, D(2024, 3, 1), "outside_campaign"),
        ({"condition": "under_repair"}, D(2024, 1, 23), "device_not_working"),
        ({"mode": "stationary"}, D(2024, 1, 23), "device_stationary"),
    ],
)
def test_visit_rules_are_form_errors(admin_client_member, device_kwargs, day, code):
    campaign, device = CampaignFactory(), DeviceFactory(**device_kwargs)
    data = _visit_data(campaign, device, KecamatanFactory(), day)

    response = admin_client_member.post(reverse("admin:campaigns_visit_add"), data)

    _refused(response, code)
    assert not Visit.objects.exists()


def test_double_booking_in_the_visit_form(admin_client_member):
    booked = VisitFactory(date=D(2024, 1, 23))
    data = _visit_data(booked.campaign, booked.device, KecamatanFactory(), D(2024, 1, 23))

    response = admin_client_member.post(reverse("admin:campaigns_visit_add"), data)

    _refused(response, "device_double_booked")
    assert Visit.objects.count() == 1


def test_double_booking_in_the_campaign_form(admin_client_member):
    campaign, device = CampaignFactory(), DeviceFactory()
    url, data = _campaign_form(admin_client_member, campaign)
    rows = [_visit_data(None, device, KecamatanFactory(), D(2024, 1, 23)) for _ in range(2)]

    response = admin_client_member.post(url, _add_rows(data, *rows))

    _refused(response, "device_double_booked")
    assert not Visit.objects.exists()


def test_a_visit_of_a_new_campaign_is_checked_against_its_dates(admin_client_member):
    data = {
        "name": "Perekaman TTU",
        "slug": "perekaman-ttu",
        "kabupaten": KabupatenFactory().pk,
        "status": "active",
        "start_date": "2024-01-18",
        "target_date": "2024-02-07",
        "election_date": "2024-02-14",
        "visits-TOTAL_FORMS": 0,
        "visits-INITIAL_FORMS": 0,
    }
    row = _visit_data(None, DeviceFactory(), KecamatanFactory(), D(2024, 2, 9))

    response = admin_client_member.post(
        reverse("admin:campaigns_campaign_add"), _add_rows(data, row)
    )

    _refused(response, "outside_campaign")
    assert not Campaign.objects.exists()


def test_a_new_campaign_with_bad_dates_and_a_visit_is_a_form_error(admin_client_member):
    data = {
        "name": "Perekaman TTU",
        "slug": "perekaman-ttu",
        "kabupaten": "",
        "status": "active",
        "start_date": "31/02/2024",
        "target_date": "2024-02-07",
        "election_date": "2024-02-14",
        "visits-TOTAL_FORMS": 0,
        "visits-INITIAL_FORMS": 0,
    }
    row = _visit_data(None, DeviceFactory(), KecamatanFactory(), D(2024, 2, 1))

    response = admin_client_member.post(
        reverse("admin:campaigns_campaign_add"), _add_rows(data, row)
    )

    _refused(response, "invalid")
    assert not Campaign.objects.exists()


def test_first_time_voters_above_recorded_is_a_form_error(admin_client_member):
    visit = VisitFactory()
    data = {"visit": visit.pk, "recorded_count": 5, "first_time_voters": 10, "failed_count": 0}

    response = admin_client_member.post(reverse("admin:reports_dailyreport_add"), data)

    _refused(response, "first_time_exceeds_recorded")
    assert not DailyReport.objects.exists()


@pytest.mark.usefixtures("in_february_2024")
def test_a_report_is_stamped_with_its_author(admin_client_member, admin_member):
    visit = VisitFactory()
    data = {"visit": visit.pk, "recorded_count": 75, "first_time_voters": 10, "failed_count": 2}

    response = admin_client_member.post(reverse("admin:reports_dailyreport_add"), data)

    assert response.status_code == 302, _codes(response)
    assert visit.report.created_by == admin_member


@pytest.mark.usefixtures("in_february_2024")
def test_a_report_far_above_the_best_day_is_flagged_and_an_admin_can_clear_it(
    admin_client_member,
):
    campaign = CampaignFactory()
    DailyReportFactory(visit=VisitFactory(campaign=campaign), recorded_count=75)
    visit = VisitFactory(campaign=campaign, date=D(2024, 1, 19))
    data = {"visit": visit.pk, "recorded_count": 400, "first_time_voters": 0, "failed_count": 0}

    admin_client_member.post(reverse("admin:reports_dailyreport_add"), data)
    report = DailyReport.objects.get(visit=visit)
    assert report.needs_review and "400" in report.review_reason

    url = reverse("admin:reports_dailyreport_change", args=[report.pk])
    cleared = {**data, "needs_review": "", "change_reason": ""}
    response = admin_client_member.post(url, cleared)
    assert response.status_code == 302, _codes(response)
    assert not DailyReport.objects.get(pk=report.pk).needs_review


def test_a_backlog_entry_with_the_wrong_sign_is_a_form_error(admin_client_member):
    campaign = CampaignFactory()
    BacklogEntryFactory(campaign=campaign, change=200)
    data = {
        "campaign": campaign.pk,
        "kecamatan": BacklogEntry.objects.get().kecamatan_id,
        "date": "2024-01-20",
        "kind": "deceased",
        "change": 3,
    }

    response = admin_client_member.post(reverse("admin:residents_backlogentry_add"), data)

    _refused(response, "wrong_sign")
    assert BacklogEntry.objects.count() == 1

    data["change"] = -3
    response = admin_client_member.post(reverse("admin:residents_backlogentry_add"), data)
    assert response.status_code == 302, _codes(response)
    assert BacklogEntry.objects.latest("pk").created_by.username == "dukcapil-admin"


# Devices.


def test_device_list_shows_todays_state(admin_client_member):
    DeviceFactory(code="SP-01", condition="under_repair", mode="stationary")
    DeviceStateFactory(device=DeviceFactory(code="SP-02"), valid_from=timezone.localdate())

    response = admin_client_member.get(reverse("admin:devices_device_changelist"))

    states = {d.code: (d.mode_on, d.condition_on) for d in response.context["cl"].result_list}
    assert states == {"SP-01": ("stationary", "under_repair"), "SP-02": ("mobile", "working")}
    with translation.override("id"):  # the page's language
        assert str(DeviceState.Condition.UNDER_REPAIR.label) in response.content.decode()


def test_a_state_added_in_the_device_form_is_stamped(admin_client_member, admin_member):
    device = DeviceFactory()
    url = reverse("admin:devices_device_change", args=[device.pk])
    data = _form_data(admin_client_member.get(url))
    data.update(
        {
            "states-TOTAL_FORMS": data["states-TOTAL_FORMS"] + 1,
            "states-1-valid_from": "2024-02-01",
            "states-1-mode": "stationary",
            "states-1-condition": "working",
        }
    )

    response = admin_client_member.post(url, data)

    assert response.status_code == 302, _codes(response)
    state = device.states.get(valid_from=D(2024, 2, 1))
    assert (state.mode, state.recorded_by) == ("stationary", admin_member)


def test_a_state_that_strands_visits_is_a_form_error(admin_client_member):
    visit = VisitFactory(date=D(2024, 1, 23))
    data = {
        "device": visit.device_id,
        "valid_from": "2024-01-20",
        "mode": "mobile",
        "condition": "under_repair",
    }

    response = admin_client_member.post(reverse("admin:devices_devicestate_add"), data)

    _refused(response, "strands_visits")
    assert DeviceState.objects.count() == 1


# Users: an operator's area, and no way up to superuser.


def test_admin_limits_an_operator_to_some_kecamatan(admin_client_member, operator_user):
    kecamatan = KecamatanFactory()
    url = reverse("admin:auth_user_change", args=[operator_user.pk])
    data = _form_data(admin_client_member.get(url))
    data.update({"operator_scope-TOTAL_FORMS": 1, "operator_scope-0-kecamatan": [kecamatan.pk]})

    response = admin_client_member.post(url, data)

    assert response.status_code == 302, _codes(response)
    assert OperatorScope.kecamatan_codes_for(operator_user) == [kecamatan.pk]


def test_an_admin_member_cannot_make_or_change_superusers(admin_client_member, admin_member):
    url = reverse("admin:auth_user_change", args=[admin_member.pk])
    form = admin_client_member.get(url).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields

    boss = UserFactory(is_superuser=True, is_staff=True)
    change = admin_client_member.post(reverse("admin:auth_user_change", args=[boss.pk]), {})
    password = admin_client_member.get(reverse("admin:auth_user_password_change", args=[boss.pk]))
    assert (change.status_code, password.status_code) == (403, 403)


def test_a_superuser_sees_every_page(admin_client):
    VisitFactory()
    for name in ROWS:
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_export_log_is_read_only(admin_client_member, admin_member):
    log = ExportLog.objects.create(
        user=admin_member, campaign=CampaignFactory(), what="invitation list", rows=12
    )
    changelist = admin_client_member.get(reverse("admin:residents_exportlog_changelist"))
    assert changelist.status_code == 200 and "invitation list" in changelist.content.decode()
    assert admin_client_member.get(reverse("admin:residents_exportlog_add")).status_code == 403
    change = admin_client_member.post(
        reverse("admin:residents_exportlog_change", args=[log.pk]), {"rows": 1}
    )
    assert change.status_code == 403


@pytest.mark.parametrize("model", ["reports_dailyreport", "campaigns_visit"])
def test_a_stale_admin_form_is_refused_with_the_saved_values(admin_client_member, model):
    """Two admins open the same report (or visit); the first saves; the second's save, made
    from the page as it was, is refused with what is saved now, until sent again."""
    report = DailyReportFactory(recorded_count=70)
    obj = report if model == "reports_dailyreport" else report.visit
    url = reverse(f"admin:{model}_change", args=[obj.pk])
    loaded = _form_data(admin_client_member.get(url))

    first = loaded | {"change_reason": "Recounted"}
    if model == "reports_dailyreport":
        first["recorded_count"] = 80
    else:
        first["site_name"] = "Balai Desa"
    assert admin_client_member.post(url, first).status_code == 302

    second = loaded | {"change_reason": "Typo", "planned_count": 90, "failed_count": 4}
    response = admin_client_member.post(url, second)
    _refused(response, "stale")
    assert ("80" if model == "reports_dailyreport" else "Balai Desa") in response.text
    obj.refresh_from_db()
    assert obj.version == 2
    # The form came back carrying the saved version: sending it again is a knowing choice.
    assert admin_client_member.post(url, _form_data(response)).status_code == 302


def test_admins_read_the_log_of_whole_nik_searches(admin_client_member, admin_member):
    from residents.models import NikLookup

    NikLookup.objects.create(
        user=admin_member, campaign=CampaignFactory(), masked_nik="53xxxxxxxxxx0002"
    )
    url = reverse("admin:residents_niklookup_changelist")
    assert "53xxxxxxxxxx0002" in admin_client_member.get(url).content.decode()
    assert admin_client_member.get(reverse("admin:residents_niklookup_add")).status_code == 403


def test_restoring_an_old_record_from_history_is_checked_and_versions_only_grow(
    admin_client_member,
):
    """A history page's form holds the old record: saving it over a newer edit is refused,
    and a restore knowingly sent again gets a version above every earlier one."""
    report = DailyReportFactory(recorded_count=70)
    url = reverse("admin:reports_dailyreport_change", args=[report.pk])
    first = _form_data(admin_client_member.get(url)) | {"change_reason": "a", "notes": "satu"}
    assert admin_client_member.post(url, first).status_code == 302
    old = report.history.order_by("history_id").first()
    history_url = reverse(
        "admin:reports_dailyreport_simple_history", args=[report.pk, old.history_id]
    )
    restore = _form_data(admin_client_member.get(history_url)) | {"change_reason": "revert"}
    latest = _form_data(admin_client_member.get(url)) | {"change_reason": "b", "notes": "dua"}
    assert admin_client_member.post(url, latest).status_code == 302
    report.refresh_from_db()
    assert report.version == 3

    response = admin_client_member.post(history_url, restore)
    assert response.status_code == 200 and "stale" in _codes(response)
    report.refresh_from_db()
    assert (report.notes, report.version) == ("dua", 3)
    assert admin_client_member.post(history_url, _form_data(response)).status_code == 302
    report.refresh_from_db()
    assert (report.notes, report.version) == ("", 4)


@pytest.mark.parametrize("bad", ["abc", "1.5", "\x00", "9999-12-31", "99999999999999999999999"])
def test_a_tampered_autocomplete_value_is_refused_not_a_server_error(admin_client_member, bad):
    """The admin shows the form again with "Select a valid choice", not a 500."""
    report = DailyReportFactory()
    for url, data in [
        (
            reverse("admin:reports_dailyreport_change", args=[report.pk]),
            {"visit": bad, "recorded_count": "1", "first_time_voters": "0", "failed_count": "0"},
        ),
        (
            reverse("admin:campaigns_visit_change", args=[report.visit.pk]),
            {"campaign": bad, "device": bad, "operators": bad, "date": "2024-01-23"},
        ),
        (reverse("admin:residents_backlogentry_add"), {"campaign": bad, "change": "1"}),
        (reverse("admin:devices_devicestate_add"), {"device": bad}),
    ]:
        response = admin_client_member.post(url, data)
        assert response.status_code == 200, url
        assert "invalid_choice" in _codes(response) or response.context["adminform"].form.errors
