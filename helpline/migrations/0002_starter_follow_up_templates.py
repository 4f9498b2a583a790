from django.db import migrations

TEMPLATES = [
    {
        "name": "Information you asked for",
        "subject": "The information you asked for",
        "body": (
            "Thank you for talking to the helpline. As promised, here is the information we discussed.\n\n"
            "If you have any more questions, reply to this email or call the helpline and quote your reference."
        ),
    },
    {
        "name": "Check-in after a week",
        "subject": "How are you getting on?",
        "body": (
            "It is a week since you contacted the helpline, and we wanted to ask how you are getting on.\n\n"
            "If anything has changed, or you would like to talk to a nurse again, reply to this email or call "
            "the helpline and quote your reference. If you would rather we did not contact you again, just say so."
        ),
    },
]


def create(apps, schema_editor):
    FollowUpTemplate = apps.get_model("helpline", "FollowUpTemplate")
    for template in TEMPLATES:
        FollowUpTemplate.objects.get_or_create(name=template["name"], defaults=template)


class Migration(migrations.Migration):
    dependencies = [("helpline", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
