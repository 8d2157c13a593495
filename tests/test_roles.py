import pytest
from django.contrib.auth.models import Group, Permission

pytestmark = pytest.mark.django_db

APPS = ["regions", "campaigns", "devices", "residents", "reports"]


def _project_permissions():
    """Every permission of the project's apps, as "app.codename"."""
    perms = Permission.objects.filter(content_type__app_label__in=APPS).select_related(
        "content_type"
    )
    names = {f"{p.content_type.app_label}.{p.codename}" for p in perms}
    assert names, "no permissions: were the migrations run?"
    return names


def test_the_three_roles_exist_after_migrations():
    names = set(Group.objects.values_list("name", flat=True))

    assert {"Operator", "Koordinator", "Admin"} <= names


def test_koordinator_group_holds_only_view_permissions():
    codenames = Group.objects.get(name="Koordinator").permissions.values_list("codename", flat=True)

    assert codenames
    assert all(codename.startswith("view_") for codename in codenames)


READ = [
    "campaigns.view_campaign",
    "campaigns.view_visit",
    "regions.view_kabupaten",
    "regions.view_kecamatan",
    "regions.view_desa",
    "devices.view_device",
    "devices.view_devicestate",
    "residents.view_backlogentry",
    "reports.view_dailyreport",
]


@pytest.mark.parametrize("perm", READ)
def test_koordinator_reads_the_campaign(koordinator_user, perm):
    assert koordinator_user.has_perm(perm)


def test_koordinator_changes_nothing(koordinator_user):
    writes = {perm for perm in _project_permissions() if ".view_" not in perm}
    writes |= {"auth.add_user", "auth.change_user", "auth.change_group"}

    assert {perm for perm in writes if koordinator_user.has_perm(perm)} == set()


@pytest.mark.parametrize(
    "perm",
    [
        "reports.add_dailyreport",
        "reports.change_dailyreport",
        "reports.view_dailyreport",
        "residents.add_backlogentry",
        "residents.view_backlogentry",
        "campaigns.view_campaign",
        "campaigns.view_visit",
        "regions.view_kecamatan",
        "devices.view_device",
    ],
)
def test_operator_enters_reports_and_backlog_clean_up(operator_user, perm):
    assert operator_user.has_perm(perm)


@pytest.mark.parametrize(
    "perm",
    [
        "campaigns.add_visit",
        "campaigns.change_visit",
        "campaigns.delete_visit",
        "campaigns.change_campaign",
        "campaigns.add_campaign",
        "campaigns.change_operatorscope",
        "devices.change_device",
        "devices.add_devicestate",
        "devices.change_devicestate",
        "reports.delete_dailyreport",
        "residents.change_backlogentry",
        "residents.delete_backlogentry",
        "auth.change_user",
    ],
)
def test_operator_cannot_change_the_schedule_devices_or_the_ledgers_past(operator_user, perm):
    assert not operator_user.has_perm(perm)


def test_admin_group_has_every_project_permission(admin_member):
    missing = {perm for perm in _project_permissions() if not admin_member.has_perm(perm)}

    assert missing == set()


@pytest.mark.parametrize("perm", ["auth.view_user", "auth.add_user", "auth.change_user"])
def test_admin_manages_users(admin_member, perm):
    assert admin_member.has_perm(perm)


def test_admin_member_is_not_a_superuser(admin_member):
    """The role works through its permissions, not Django's superuser bypass."""
    assert not admin_member.is_superuser
    assert not admin_member.has_perm("auth.delete_group")
