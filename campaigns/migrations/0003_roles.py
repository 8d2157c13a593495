"""The three roles of DOMAIN.md §2 as groups, so they exist on a fresh database.

Operator: enters daily reports and backlog clean-up; reads the schedule.
Koordinator (police): reads everything, changes nothing.
Admin (Dukcapil head office): everything in the admin, users and roles included.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ["campaigns", "devices", "residents", "reports"]
READ = [
    "campaigns.view_provinsi",
    "campaigns.view_kabupaten",
    "campaigns.view_kecamatan",
    "campaigns.view_desa",
    "campaigns.view_campaign",
    "campaigns.view_visit",
    "devices.view_device",
    "devices.view_devicestate",
    "residents.view_backlogentry",
    "reports.view_dailyreport",
]
ROLES = {
    "Operator": READ
    + [
        "reports.add_dailyreport",
        "reports.change_dailyreport",
        "residents.add_backlogentry",
    ],
    "Koordinator": READ,
}
ADMIN_EXTRA = [
    "auth.view_user",
    "auth.add_user",
    "auth.change_user",
    "auth.view_group",
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; the groups need them now. First for the
    # models as they are at this migration (apps=apps): the region models have since moved
    # to the regions app (regions 0002 relabels these rows). Then, as before, for the models
    # as the code has them, so that Admin gets later models' permissions too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def permissions(names):
        wanted = {tuple(name.split(".")) for name in names}
        found = [
            p
            for p in Permission.objects.filter(content_type__app_label__in=APPS + ["auth"])
            .select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        assert len(found) == len(wanted), sorted(wanted - {(p.content_type.app_label, p.codename) for p in found})
        return found

    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions(perms))
    admin, _ = Group.objects.get_or_create(name="Admin")
    project = Permission.objects.filter(content_type__app_label__in=APPS)
    admin.permissions.set(list(project) + permissions(ADMIN_EXTRA))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Operator", "Koordinator", "Admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("campaigns", "0002_schedule_links"),
        ("devices", "0001_initial"),
        ("residents", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
