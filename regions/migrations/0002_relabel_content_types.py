"""The region models' content types move from campaigns to regions, with their permissions.

Relabelling the rows (rather than letting new ones be made) keeps their ids, so the groups'
permissions made by campaigns 0003_roles ("campaigns.view_kecamatan", now
"regions.view_kecamatan"), users' own permissions and the admin's log entries follow.

Both rows can exist when the database was migrated back before this and something (migrate's
post_migrate) made the target rows meanwhile: then the moved row wins, and whoever held a
permission of the other row gets the moved row's permission of the same codename.
"""

from django.db import migrations

MODELS = ["provinsi", "kabupaten", "kecamatan", "desa"]


def _move(apps, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        moving = ContentType.objects.filter(app_label=source, model=model).first()
        if moving is None:
            continue
        other = ContentType.objects.filter(app_label=target, model=model).first()
        if other is not None:
            for perm in Permission.objects.filter(content_type=other):
                kept, _ = Permission.objects.get_or_create(
                    content_type=moving, codename=perm.codename, defaults={"name": perm.name}
                )
                kept.group_set.add(*perm.group_set.all())
                kept.user_set.add(*perm.user_set.all())
            other.delete()
        moving.app_label = target
        moving.save(update_fields=["app_label"])
    # The real model's cache may hold the rows under their old label.
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    CurrentContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _move(apps, "campaigns", "regions")


def backwards(apps, schema_editor):
    _move(apps, "regions", "campaigns")


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
