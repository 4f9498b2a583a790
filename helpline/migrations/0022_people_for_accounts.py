"""Every account that has asked the helpline gets its person, with the enquiries it asked linked."""

from django.db import migrations


def link_accounts(apps, schema_editor):
    Enquiry = apps.get_model("helpline", "Enquiry")
    Person = apps.get_model("helpline", "Person")
    user_ids = Enquiry.objects.filter(user__isnull=False, person__isnull=True).values_list("user_id", flat=True)
    for user_id in sorted(set(user_ids)):
        person, _ = Person.objects.get_or_create(user_id=user_id)
        Enquiry.objects.filter(user_id=user_id, person__isnull=True).update(person=person)


class Migration(migrations.Migration):
    dependencies = [("helpline", "0021_people_and_flags")]

    operations = [migrations.RunPython(link_accounts, migrations.RunPython.noop)]
