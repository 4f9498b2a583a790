"""What `make run` sets up: demo accounts, a small demo data set on first start, and the logins block."""

import json
import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management import call_command

from helpline.models import Enquiry, Status, Urgency
from peers.models import Introduction, PeerRequest, VolunteerProfile
from portal.models import OutboundEmail, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    return tmp_path


def start() -> str:
    out = StringIO()
    call_command("demo_start", stdout=out)
    return out.getvalue()


def test_first_start_loads_a_labelled_demo_set_for_every_page(var_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = start()
    assert "Demo data: 36 enquiries, 6 volunteers, 5 peer requests" in output

    enquiries = Enquiry.objects.all()
    assert enquiries.count() >= 24
    assert not enquiries.exclude(summary__startswith="[Demo] ").exists()
    assert set(enquiries.values_list("status", flat=True)) == set(Status.values)
    assert set(enquiries.values_list("urgency", flat=True)) == set(Urgency.values)
    assert enquiries.filter(name="").exists()  # an anonymous web question

    approved = VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPROVED)
    assert len(set(approved.values_list("fracture_kind", "region"))) == approved.count() >= 4
    assert VolunteerProfile.objects.filter(status=VolunteerProfile.Status.APPLIED).exists()

    assert PeerRequest.objects.filter(status=PeerRequest.Status.WAITING).count() >= 2
    intro = Introduction.objects.get(status=Introduction.Status.ACCEPTED)
    assert intro.peer_request.mother.email == "mother@example.org"
    assert intro.volunteer.user.email == "volunteer@example.org"
    assert Introduction.objects.filter(status=Introduction.Status.PROPOSED).exists()

    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT)
    assert sent.filter(template="helpline/email/reply").exists()
    assert sent.filter(template="peers/email/introduction_portal").exists()
    assert sent.filter(template="peers/email/new_message").exists()


def test_the_logins_block_says_where_everything_is(var_dir, settings):
    settings.DEMO_DATA = False
    start()
    block = (var_dir / "demo-logins.txt").read_text()
    assert f"{settings.SITE_URL}/" in block
    for email, role in [
        ("mother@example.org", "a mother"),
        ("volunteer@example.org", "a peer volunteer"),
        ("nurse@example.org", "a helpline nurse"),
        ("editor@example.org", "a content editor"),
        ("admin@example.org", "the site administrator"),
    ]:
        assert email in block and role in block
    assert "password for each: demo-password-change-me" in block
    assert "make totp EMAIL=nurse@example.org" in block
    assert f"written to {var_dir / 'mail'}/" in block
    assert "save an .eml into" in block and "inbound/new/" in block
    assert block.rstrip().endswith("=" * 78)


def test_a_second_start_keeps_what_is_there(var_dir):
    start()
    count = Enquiry.objects.count()
    output = start()
    assert "not loaded, the database already has enquiries" in output
    assert Enquiry.objects.count() == count


def test_demo_data_off_starts_empty_with_the_accounts(var_dir, settings):
    settings.DEMO_DATA = False
    output = start()
    assert "Demo data: off (DEMO_DATA=0)" in output
    assert not Enquiry.objects.exists()
    assert not PeerRequest.objects.exists()
    assert "nurse@example.org" in (var_dir / "demo-logins.txt").read_text()


def run(args, env):
    return subprocess.run(
        args, cwd=settings.BASE_DIR, env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )


def test_production_has_no_demo_commands():
    env = {"DJANGO_ENV": "production", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example.org"}
    for command in ("demo_start", "seed_demo"):
        result = run([sys.executable, "manage.py", command], env)
        assert result.returncode != 0
        assert f"Unknown command: '{command}'" in result.stderr


def test_make_totp_needs_only_the_standard_library_and_gives_the_current_code(var_dir, settings):
    settings.DEMO_DATA = False
    start()
    saved = json.loads((var_dir / "demo-totp.json").read_text())
    secret = saved["secrets"]["nurse@example.org"]
    # -S -I: no site-packages, so the script could not import Django even if it tried.
    result = run([sys.executable, "-S", "-I", "demo/totp.py", "nurse@example.org"], {"PORTAL_VAR_DIR": str(var_dir)})
    assert result.returncode == 0, result.stderr
    code, rest = result.stdout.split(maxsplit=1)
    counters = {int(t // 30) for t in (time.time() - 5, time.time())}
    assert code in {format_hotp_value(hotp_value(secret, c)) for c in counters}
    assert "more second" in rest


def test_make_run_installs_only_what_running_needs_and_shows_pip_progress(tmp_path):
    for name in ("Makefile", "requirements.txt", "requirements-test.txt"):
        (tmp_path / name).write_text((settings.BASE_DIR / name).read_text())
    result = subprocess.run(["make", "-n", "run"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "pip install --progress-bar on -r requirements.txt" in result.stdout
    assert "requirements-test.txt" not in result.stdout
    assert "--quiet" not in result.stdout
    assert "cat var/demo-logins.txt" in result.stdout  # printed once the server answers, after its banner


def test_the_demo_mother_has_her_own_enquiry_with_a_nurse_s_answer(client, var_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = start()
    assert "1 answered enquiry of the demo mother's own" in output

    amy = User.objects.get(email="mother@example.org")
    (hers,) = Enquiry.objects.filter(user=amy)
    assert hers.summary.startswith("[Demo] ") and hers.status == Status.ANSWERED
    client.force_login(amy)
    mine = client.get("/helpline/my-enquiries/").content.decode()
    assert hers.reference in mine
    conversation = client.get(f"/helpline/my-enquiries/{hers.pk}/").content.decode()
    assert "Should I stop to help my bones" in conversation
    assert "Thank you for your question." in conversation and "Carol, helpline nurse" in conversation
