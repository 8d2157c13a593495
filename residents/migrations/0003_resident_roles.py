"""Residents in the roles: operators work on the list, koordinators read it (NIKs masked,
which the views do), admins do everything."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Operator": ["view_resident", "add_resident", "change_resident"],
    "Koordinator": ["view_resident"],
    "Admin": [
        f"{action}_{model}"
        for action in ("view", "add", "change", "delete")
        for model in ("resident", "historicalresident")
    ],
}


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("residents")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        permissions = Permission.objects.filter(
            content_type__app_label="residents", codename__in=codenames
        )
        assert permissions.count() == len(codenames), name
        Group.objects.get(name=name).permissions.add(*permissions)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        permissions = Permission.objects.filter(
            content_type__app_label="residents", codename__in=codenames
        )
        Group.objects.get(name=name).permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("residents", "0002_resident_and_ledger_corrections"),
        ("campaigns", "0003_roles"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
