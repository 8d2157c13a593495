"""The audit log: logins, failed logins, lock-outs, roles and areas; read only, kept for a
set time (purge_audit)."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.audit import audit_record
from campaigns.models import AuditEntry, OperatorScope
from residents.models import ExportLog, NikLookup
from tests.factories import CampaignFactory, KecamatanFactory, UserFactory

pytestmark = pytest.mark.django_db
A = AuditEntry.Action


def entries(action):
    return list(
        AuditEntry.objects.filter(action=action)
        .order_by("pk")
        .values_list("username", "description", "address")
    )


def login(client, username, password, address="10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_a_login_is_logged_with_the_address(client):
    user = UserFactory(username="siti")

    assert login(client, "siti", "ektp-test-2024", "10.2.3.4").status_code == 302

    [entry] = AuditEntry.objects.filter(action=A.LOGIN)
    assert (entry.user, entry.username, entry.address) == (user, "siti", "10.2.3.4")


def test_failed_logins_and_the_lock_out_are_logged(client, settings):
    UserFactory(username="siti")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "siti", "wrong", "10.1.1.1")
    assert login(client, "siti", "ektp-test-2024", "10.1.1.1").status_code == 429
    login(client, "nobody", "wrong", "10.5.5.5")

    failed = entries(A.LOGIN_FAILED)
    # Each failure, the attempt while locked out too, and an unknown name as typed.
    assert failed == [("siti", "", "10.1.1.1")] * (settings.AXES_FAILURE_LIMIT + 1) + [
        ("nobody", "", "10.5.5.5")
    ]
    # django-axes signals the lock-out when it starts, and again at each attempt during it.
    assert set(entries(A.LOCKED_OUT)) == {("siti", "", "10.1.1.1")}
    assert not AuditEntry.objects.filter(action=A.LOGIN).exists()
    # Nothing of the password is kept.
    assert not AuditEntry.objects.filter(description__contains="wrong").exists()


def test_a_nik_typed_as_a_username_is_masked(client):
    login(client, "5303051203900002", "x")

    [(username, _, _)] = entries(A.LOGIN_FAILED)
    assert "5303051203900002" not in username and "x" * 16 in username


def test_role_changes_are_logged_either_way_round():
    user = UserFactory(username="siti")
    operator, admin = Group.objects.get(name="Operator"), Group.objects.get(name="Admin")

    user.groups.add(operator)
    admin.user_set.add(user)
    user.groups.remove(operator)
    user.groups.clear()
    user.groups.set([admin])  # already nothing: one addition
    user.groups.set([admin])  # unchanged: nothing logged

    assert [d for _, d, _ in entries(A.ROLE_CHANGED)] == [
        "siti: +Operator",
        "siti: +Admin",
        "siti: -Operator",
        "siti: -Admin",
        "siti: +Admin",
    ]


def test_staff_superuser_and_active_status_are_roles_too():
    user = UserFactory(username="budi")
    user.is_staff = True
    user.save()
    user.is_superuser, user.is_active = True, False
    user.save()
    user.first_name = "Budi"
    user.save()  # nothing that gives power: not logged
    UserFactory(username="boss", is_superuser=True, is_staff=True)

    assert [d for _, d, _ in entries(A.ROLE_CHANGED)] == [
        "budi: is_staff +",
        "budi: is_superuser +, is_active -",
        "boss: is_superuser +, is_staff +",
    ]


def test_area_changes_are_logged_and_removing_the_area_too():
    user = UserFactory(username="scoped")
    insana = KecamatanFactory(code="53.03.09", name="Insana")
    kefa = KecamatanFactory(code="53.03.05", name="Kota Kefamenanu")
    scope = OperatorScope.objects.create(user=user)

    scope.kecamatan.add(insana, kefa)
    scope.kecamatan.remove(kefa)
    scope.delete()
    scope = OperatorScope.objects.create(user=user)
    scope.kecamatan.add(kefa)
    scope.kecamatan.clear()

    descriptions = [d for _, d, _ in entries(A.AREA_CHANGED)]
    assert len(descriptions) == 5
    assert descriptions[:2] == [
        "scoped: +Insana (53.03.09), +Kota Kefamenanu (53.03.05)",
        "scoped: -Kota Kefamenanu (53.03.05)",
    ]
    # Removing the area lets the operator see every kecamatan: said so, with what it was.
    assert descriptions[2].startswith("scoped: ") and "Insana" in descriptions[2]
    assert descriptions[3:] == [
        "scoped: +Kota Kefamenanu (53.03.05)",
        "scoped: -Kota Kefamenanu (53.03.05)",
    ]


def test_the_admin_form_logs_who_changed_whose_role_and_area(client, admin_member):
    from tests.test_admin import _form_data

    operator = UserFactory(username="operator")
    kecamatan = KecamatanFactory(name="Insana")
    client.force_login(admin_member)
    url = reverse("admin:auth_user_change", args=[operator.pk])
    data = _form_data(client.get(url))
    data.update(
        {
            "groups": [Group.objects.get(name="Operator").pk],
            "operator_scope-TOTAL_FORMS": 1,
            "operator_scope-0-kecamatan": [kecamatan.pk],
        }
    )

    assert client.post(url, data, REMOTE_ADDR="10.7.7.7").status_code == 302

    role = AuditEntry.objects.get(action=A.ROLE_CHANGED, description="operator: +Operator")
    area = AuditEntry.objects.get(action=A.AREA_CHANGED)
    for entry in (role, area):
        assert (entry.user, entry.address) == (admin_member, "10.7.7.7")
    assert "Insana" in area.description


def test_admins_read_the_log_and_nobody_changes_it(client, admin_member, koordinator_user):
    entry = audit_record(action=A.EXPORT, description="Daftar undangan", user=koordinator_user)
    client.force_login(admin_member)

    changelist = client.get(reverse("admin:campaigns_auditentry_changelist"), {"action": "export"})
    assert changelist.status_code == 200 and "Daftar undangan" in changelist.text
    assert client.get(reverse("admin:campaigns_auditentry_add")).status_code == 403
    change_url = reverse("admin:campaigns_auditentry_change", args=[entry.pk])
    assert client.get(change_url).status_code == 200  # read only
    assert client.post(change_url, {"description": "-"}).status_code == 403
    delete_url = reverse("admin:campaigns_auditentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.description == "Daftar undangan"

    client.force_login(koordinator_user)
    assert client.get(reverse("admin:campaigns_auditentry_changelist")).status_code == 302


def test_a_whole_nik_never_enters_a_description():
    entry = audit_record(action=A.EXPORT, description="NIK 5303 0512 0390 0002 dicetak")

    assert "0390" not in entry.description and "x" * 16 in entry.description


def test_purge_audit_removes_what_is_older_than_the_retention(settings, admin_member):
    settings.AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    old, recent = now - datetime.timedelta(days=31), now - datetime.timedelta(days=29)
    campaign = CampaignFactory()
    AuditEntry.objects.all().delete()  # the fixture's own role entries
    for at in (old, recent):
        entry = audit_record(action=A.LOGIN, user=admin_member)
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
        export = ExportLog.objects.create(user=admin_member, campaign=campaign, what="x", rows=1)
        lookup = NikLookup.objects.create(
            user=admin_member, campaign=campaign, masked_nik="53xxxxxxxxxx0002"
        )
        ExportLog.objects.filter(pk=export.pk).update(created_at=at)
        NikLookup.objects.filter(pk=lookup.pk).update(at=at)

    out = StringIO()
    call_command("purge_audit", "--dry-run", stdout=out)
    assert "1 entri log audit, 1 ekspor, 1 pencarian" in out.getvalue()
    assert AuditEntry.objects.count() == 2 and ExportLog.objects.count() == 2

    call_command("purge_audit", stdout=StringIO())

    assert list(AuditEntry.objects.exclude(action=A.AUDIT_PURGE).values_list("at", flat=True)) == [
        recent
    ]
    assert list(ExportLog.objects.values_list("created_at", flat=True)) == [recent]
    assert list(NikLookup.objects.values_list("at", flat=True)) == [recent]
    # The removal is itself in the log.
    [purge] = AuditEntry.objects.filter(action=A.AUDIT_PURGE)
    assert purge.description.endswith(": 1")


def test_an_address_that_is_not_one_is_left_out(rf):
    request = rf.get("/", REMOTE_ADDR="unknown")

    assert audit_record(action=A.LOGIN, request=request).address is None
