"""The app that was installed as "config" is "core": its content types (and with them the
permissions that name them) move to the new label.

Its migrations came along with ``replaces = [("config", ...)]``, so a database that applied
them under "config" counts them applied, and its tables kept their names
(``config_change``, ``config_idempotencyrecord``). A fresh database has no "config" content
type: nothing to move. Run backwards, the content types go back to "config".
"""

from django.db import migrations


def relabel(old, new):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        moving = list(ContentType.objects.using(db).filter(app_label=old).values_list("model", flat=True))
        # A content type Django made under the new label before this ran holds no permission
        # anyone was given; the old one, which may, takes its place.
        ContentType.objects.using(db).filter(app_label=new, model__in=moving).delete()
        ContentType.objects.using(db).filter(app_label=old).update(app_label=new)

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_drop_hand_change_log_function"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(relabel("config", "core"), relabel("core", "config"))]
