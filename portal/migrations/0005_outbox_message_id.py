from django.db import migrations, models

import portal.models.outbox


def fill(apps, schema_editor):
    OutboundEmail = apps.get_model("portal", "OutboundEmail")
    for message in OutboundEmail.objects.filter(message_id__isnull=True).only("pk").iterator():
        OutboundEmail.objects.filter(pk=message.pk).update(message_id=portal.models.outbox.new_message_id())


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_superuser_index")]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="message_id",
            field=models.CharField(max_length=200, null=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboundemail",
            name="message_id",
            field=models.CharField(
                default=portal.models.outbox.new_message_id, editable=False, max_length=200, unique=True
            ),
        ),
    ]
