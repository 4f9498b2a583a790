"""Her files in an S3 bucket (a real S3-compatible server, moto), as on several web nodes.

The same journeys as on local disk (tests/helpline/test_email_from_her.py), with the
objects checked in the bucket itself: stored under a random name, served only through
the portal's checked view, gone with erasure, retention and deletion, and readable by
any other process configured the same way.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from helpline import services
from helpline.models import Enquiry
from portal.inbound import inbound_read
from portal.models import InboundAttachment, InboundEmail
from portal.storage import private_files
from portal.tasks import inbound_read_task
from tests.mailboxes import drop_into_maildir, make_email
from tests.workers import publishing_to_broker, running_worker, wait_until

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"2" * 2000


@pytest.fixture
def her_question(maildir, s3_bucket):
    """Jo emails the helpline a question with her scan report attached: a new enquiry."""
    drop_into_maildir(
        maildir,
        make_email(
            sender="Jo Bloggs <jo@example.net>",
            subject="My scan",
            text="Here is my DEXA scan report, what does it mean for my next pregnancy?",
            files=(("jo-bloggs-dexa.pdf", "application/pdf", PDF),),
        ),
    )
    inbound_read()
    return Enquiry.objects.get()


def bucket_keys(moto_server, bucket) -> list[str]:
    listing = moto_server.client().list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", [])]


def test_her_file_is_stored_in_the_bucket_under_a_random_name(her_question, moto_server, s3_bucket):
    attachment = InboundAttachment.objects.get()
    head = moto_server.client().head_object(Bucket=s3_bucket, Key=attachment.file.name)
    assert head["ContentLength"] == len(PDF)
    assert bucket_keys(moto_server, s3_bucket) == [attachment.file.name]
    # Nothing of hers in the object's key: not her name, address, nor the file's own name.
    for personal in ("jo", "bloggs", "example.net", "dexa", ".pdf"):
        assert personal not in attachment.file.name.lower()


def test_a_nurse_downloads_it_through_the_portal_and_nobody_else_can(her_question, client, nurse, mother, outsider):
    attachment = InboundAttachment.objects.get()
    url = reverse("helpline:attachment-download", args=[her_question.pk, attachment.pk])
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="jo-bloggs-dexa.pdf"'
    page = client.get(her_question.get_absolute_url()).content.decode()
    assert "jo-bloggs-dexa.pdf" in page and settings.STORAGES["private"]["OPTIONS"]["bucket_name"] not in page
    assert "X-Amz" not in page and attachment.file.name not in page
    for stranger in (mother, outsider):
        client.force_login(stranger)
        assert client.get(url).status_code in (403, 404)


def test_no_link_to_the_bucket_can_be_made_signed_or_not(her_question):
    with pytest.raises(ValueError, match="Private files have no URL"):
        InboundAttachment.objects.get().file.url  # noqa: B018 - the property is what is tested


def test_her_erasure_deletes_the_object(her_question, moto_server, s3_bucket):
    attachment = InboundAttachment.objects.get()
    services.enquiry_erase(enquiry=her_question)
    with pytest.raises(ClientError, match="404"):
        moto_server.client().head_object(Bucket=s3_bucket, Key=attachment.file.name)
    assert bucket_keys(moto_server, s3_bucket) == []


def test_the_retention_sweep_deletes_the_object(her_question, moto_server, s3_bucket, nurse):
    services.enquiry_transition(enquiry=her_question, by=nurse, action="close", outcome="signposted")
    later = timezone.now() + timedelta(days=settings.HELPLINE_RETENTION_DAYS + 1)
    assert services.enquiries_anonymise_due(now=later) == 1
    assert bucket_keys(moto_server, s3_bucket) == []


def test_deleting_the_enquiry_leaves_no_orphan_object(
    her_question, moto_server, s3_bucket, django_capture_on_commit_callbacks
):
    assert len(bucket_keys(moto_server, s3_bucket)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        her_question.delete()
    assert bucket_keys(moto_server, s3_bucket) == []
    assert not InboundEmail.objects.exists() and not InboundAttachment.objects.exists()


def _other_node(moto_server, bucket, code: str) -> subprocess.CompletedProcess:
    """Run `code` in a separate portal process that has only the environment production gives it."""
    env = {**os.environ, **moto_server.env(bucket)}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_file_saved_by_one_node_is_read_by_another(moto_server, s3_bucket):
    name = private_files.save("inbound/node-a", ContentFile(PDF))
    result = _other_node(
        moto_server,
        s3_bucket,
        f"from portal.storage import private_files; print(private_files.open({name!r}).read().hex())",
    )
    assert result.returncode == 0, result.stderr
    assert bytes.fromhex(result.stdout.strip().splitlines()[-1]) == PDF

    result = _other_node(
        moto_server,
        s3_bucket,
        "from django.core.files.base import ContentFile; from portal.storage import private_files; "
        "print(private_files.save('inbound/node-b', ContentFile(b'from node b')))",
    )
    assert result.returncode == 0, result.stderr
    with private_files.open(result.stdout.strip().splitlines()[-1]) as handle:
        assert handle.read() == b"from node b"


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_file_a_worker_on_another_node_stored_is_served_by_this_one(
    tmp_path, maildir, moto_server, s3_bucket, client, nurse
):
    """Her email is read by a real Celery worker (another machine); this web process serves the file."""
    drop_into_maildir(
        maildir,
        make_email(
            sender="Jo Bloggs <jo@example.net>",
            text="My scan report is attached.",
            files=(("scan.pdf", "application/pdf", PDF),),
        ),
    )
    env = {**moto_server.env(s3_bucket), "INBOUND_MAIL_URL": f"maildir://{maildir}"}
    with publishing_to_broker(), running_worker(tmp_path, env=env) as worker:
        inbound_read_task.delay()
        wait_until(InboundAttachment.objects.exclude(file="").exists, message=worker.log()[-3000:])
    attachment = InboundAttachment.objects.get()
    assert bucket_keys(moto_server, s3_bucket) == [attachment.file.name]
    client.force_login(nurse)
    response = client.get(reverse("helpline:attachment-download", args=[Enquiry.objects.get().pk, attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
