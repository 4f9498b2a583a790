"""Nurses' replies already recorded become replies in the outbox (so an unsubscribe no longer stops one
still scheduled), and an enquiry whose last word is a nurse's reply is "answered, waiting for her"."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

REPLY_TEMPLATE = "helpline/email/reply"


def forwards(apps, schema_editor):
    OutboundEmail = apps.get_model("portal", "OutboundEmail")
    Enquiry = apps.get_model("helpline", "Enquiry")
    EnquiryEvent = apps.get_model("helpline", "EnquiryEvent")
    OutboundEmail.objects.filter(template=REPLY_TEMPLATE, kind="follow_up").update(kind="reply")
    last_message = (
        EnquiryEvent.objects.filter(enquiry=OuterRef("pk"), kind__in=("message_out", "message_in"))
        .order_by("-at", "-id")
        .values("kind")[:1]
    )
    Enquiry.objects.filter(status__in=("new", "triaged", "in_progress")).annotate(last=Subquery(last_message)).filter(
        last="message_out"
    ).update(status="answered")


def backwards(apps, schema_editor):
    apps.get_model("helpline", "Enquiry").objects.filter(status="answered").update(status="in_progress")
    apps.get_model("portal", "OutboundEmail").objects.filter(kind="reply").update(kind="follow_up")


class Migration(migrations.Migration):
    dependencies = [
        ("helpline", "0013_status_answered_waiting_for_her"),
        ("portal", "0009_outbox_kind_reply"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
