"""The triage queue: order, filters, search, overdue flags and a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from helpline import services
from helpline.models import Callback, Channel, Enquiry, EnquiryTopic, Status, Topic, Urgency
from portal.roles import Role
from tests.conftest import make_user

from .conftest import make_enquiry

pytestmark = pytest.mark.django_db

URL = "/helpline/"


def refs(response) -> list[str]:
    return [row["reference"] for row in response.context["page"].object_list]


def search(client, **filters):
    """Search as the page does: POST the filter form, then follow the redirect to the results."""
    posted = client.post(URL, filters)
    assert posted.status_code == 302
    return client.get(posted["Location"])


def bulk_enquiries(count: int, nurse) -> None:
    """Many enquiries quickly, each with two topics, an assignee and an overdue callback on some."""
    now = timezone.now()
    enquiries = Enquiry.objects.bulk_create(
        Enquiry(
            reference=f"HL-B{n:05d}",
            summary="bulk",
            urgency=(n % 3) + 1,
            channel=Channel.values[n % 4],
            assigned_to=nurse if n % 2 else None,
            created_at=now - timedelta(minutes=n),
            next_callback_at=now - timedelta(hours=1) if n % 5 == 0 else None,
        )
        for n in range(count)
    )
    EnquiryTopic.objects.bulk_create(
        EnquiryTopic(enquiry=e, topic=t) for e in enquiries for t in (Topic.PAIN, Topic.EXERCISE)
    )


@pytest.mark.parametrize("count", [10, 500])
def test_the_queue_runs_a_fixed_number_of_queries_whatever_the_page_size(
    nurse_client, nurse, count, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("helpline.views.QUEUE_PAGE_SIZE", 500)
    bulk_enquiries(count, nurse)
    nurse_client.get("/helpline/ask/")  # the session's first request records it (allauth usersessions)

    # Up to 8 for the shared middleware (user, session activity, roles, MFA check), then 4 for the
    # page: the nurse list for the filter, the count, the page with assignees joined, its topics;
    # 1 for the footer's health statements.
    with django_assert_max_num_queries(13):
        response = nurse_client.get(URL)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == count
    assert response.content.decode().count("Exercise, Pain") >= count  # topics really rendered
    assert f"{count} enquiries" in response.content.decode()


def test_filters_and_search_do_not_add_queries_per_row(nurse_client, nurse, django_assert_max_num_queries):
    bulk_enquiries(60, nurse)
    nurse_client.get("/helpline/ask/")
    posted = nurse_client.post(URL, {"q": "HL-B00001", "topic": "pain", "overdue": "", "assignee": "me"})
    with django_assert_max_num_queries(14):  # one more for the audit row a search writes, one for the footer
        response = nurse_client.get(posted["Location"])
    assert refs(response) == ["HL-B00001"]


def test_the_query_count_is_the_same_for_10_and_500_rows(nurse_client, nurse, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("helpline.views.QUEUE_PAGE_SIZE", 500)
    nurse_client.get("/helpline/ask/")
    counts = []
    for total in (10, 500):
        Enquiry.objects.all().delete()
        bulk_enquiries(total, nurse)
        with CaptureQueriesContext(connection) as queries:
            nurse_client.get(URL)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_it_orders_by_urgency_then_oldest_first(nurse_client, nurse):
    now = timezone.now()
    routine_old = make_enquiry(nurse, urgency=Urgency.ROUTINE)
    urgent_new = make_enquiry(nurse, urgency=Urgency.URGENT)
    urgent_old = make_enquiry(nurse, urgency=Urgency.URGENT)
    soon = make_enquiry(nurse, urgency=Urgency.SOON)
    for enquiry, age in ((routine_old, 90), (urgent_new, 5), (urgent_old, 60), (soon, 10)):
        Enquiry.objects.filter(pk=enquiry.pk).update(created_at=now - timedelta(minutes=age))

    response = nurse_client.get(URL)

    assert refs(response) == [urgent_old.reference, urgent_new.reference, soon.reference, routine_old.reference]


def test_closed_enquiries_leave_the_default_queue_but_can_be_filtered_for(nurse_client, nurse):
    open_one = make_enquiry(nurse)
    closed = make_enquiry(nurse)
    services.enquiry_transition(enquiry=closed, by=nurse, action="close", outcome="signposted")

    assert refs(nurse_client.get(URL)) == [open_one.reference]
    assert refs(nurse_client.get(URL, {"status": Status.CLOSED})) == [closed.reference]
    assert len(refs(nurse_client.get(URL, {"status": "all"}))) == 2


def test_filters_by_topic_channel_and_assignee(nurse_client, nurse):
    other = make_user("nina@example.org", role="nurse", mfa=True)
    pain_phone_mine = make_enquiry(nurse, topics=[Topic.PAIN], channel=Channel.PHONE)
    heparin_letter = make_enquiry(nurse, topics=[Topic.HEPARIN], channel=Channel.LETTER)
    services.enquiry_assign(enquiry=heparin_letter, by=nurse, to=other)
    unassigned = make_enquiry(nurse, topics=[Topic.HEPARIN, Topic.PAIN])
    services.enquiry_assign(enquiry=unassigned, by=nurse, to=None)

    assert refs(nurse_client.get(URL, {"topic": "heparin"})) == [heparin_letter.reference, unassigned.reference]
    assert refs(nurse_client.get(URL, {"channel": "letter"})) == [heparin_letter.reference]
    assert refs(nurse_client.get(URL, {"assignee": "me"})) == [pain_phone_mine.reference]
    assert refs(nurse_client.get(URL, {"assignee": "none"})) == [unassigned.reference]
    assert refs(nurse_client.get(URL, {"assignee": str(other.pk)})) == [heparin_letter.reference]


def test_search_by_reference_name_or_email(nurse_client, nurse):
    harriet = make_enquiry(nurse, name="Harriet Jones", email="hj@example.net")
    make_enquiry(nurse, name="Sam Smith", email="sam@example.net")

    assert refs(search(nurse_client, q=harriet.reference.lower())) == [harriet.reference]
    assert refs(search(nurse_client, q=harriet.reference[3:])) == [harriet.reference]
    assert refs(search(nurse_client, q="harriet")) == [harriet.reference]
    assert refs(search(nurse_client, q="HJ@example.net")) == [harriet.reference]
    assert refs(search(nurse_client, q="nobody")) == []


def test_a_search_term_never_appears_in_a_url(nurse_client, nurse):
    harriet = make_enquiry(nurse, name="Harriet Jones", email="hj@example.net", topics=[Topic.PAIN])
    make_enquiry(nurse, name="Sam Smith", topics=[Topic.PAIN])
    make_enquiry(nurse, name="Harriet Other", topics=[Topic.EXERCISE])

    posted = nurse_client.post(URL, {"q": "Harriet", "topic": "pain", "status": "all"})
    assert "harriet" not in posted["Location"].lower()
    assert "topic=pain" in posted["Location"]
    page = nurse_client.get(posted["Location"])
    assert refs(page) == [harriet.reference]
    assert 'value="Harriet"' in page.content.decode()  # the box still shows what she typed
    # Every link on the results page (pagination, clear filters) is free of the term too.
    assert "Harriet" not in " ".join(re.findall(r'href="([^"]*)"', page.content.decode()))


def test_a_search_term_in_the_query_string_is_ignored(nurse_client, nurse):
    make_enquiry(nurse, name="Harriet Jones")
    make_enquiry(nurse, name="Sam Smith")
    assert len(refs(nurse_client.get(URL, {"q": "Harriet"}))) == 2


def test_search_ids_belong_to_one_session_and_expire(nurse_client, nurse, monkeypatch):
    make_enquiry(nurse, name="Harriet Jones")
    make_enquiry(nurse, name="Sam Smith")
    results = nurse_client.post(URL, {"q": "Harriet"})["Location"]

    other_nurse = Client()
    other_nurse.force_login(make_user("nell@example.org", role=Role.NURSE, mfa=True))
    assert len(refs(other_nurse.get(results))) == 2  # another session's id finds nothing of hers

    monkeypatch.setattr("helpline.queue_search.SEARCH_LIFETIME_SECONDS", 0)
    expired = nurse_client.get(results)
    assert len(refs(expired)) == 2
    assert "That search has expired" in expired.content.decode()


def test_a_search_is_audited_without_the_search_term(nurse_client, nurse):
    from portal.models import AuditEntry

    make_enquiry(nurse, name="Harriet Jones")
    search(nurse_client, q="Harriet")

    entry = AuditEntry.objects.get(action="enquiry.searched")
    assert entry.actor == nurse
    assert "Harriet" not in str(entry.detail)


def test_rows_show_age_and_overdue_callbacks_and_the_overdue_filter(nurse_client, nurse):
    due_soon = make_enquiry(nurse)
    overdue = make_enquiry(nurse)
    services.callback_schedule(
        enquiry=due_soon, by=nurse, due_at=timezone.now() + timedelta(hours=2), assigned_to=nurse
    )
    services.callback_schedule(
        enquiry=overdue, by=nurse, due_at=timezone.now() + timedelta(minutes=1), assigned_to=nurse
    )
    Callback.objects.filter(enquiry=overdue).update(due_at=timezone.now() - timedelta(hours=3))
    Enquiry.objects.filter(pk=overdue.pk).update(next_callback_at=timezone.now() - timedelta(hours=3))

    response = nurse_client.get(URL)
    page = response.content.decode()
    assert page.count('<strong class="overdue">Overdue</strong>') == 1
    assert "0\xa0minutes" in page  # the age column

    assert refs(nurse_client.get(URL, {"overdue": "on"})) == [overdue.reference]


def test_a_nurse_sees_who_asked_and_the_start_of_the_question_but_no_contact_details(nurse_client, nurse):
    question = "Severe back pain since the birth six weeks ago; finding it hard to lift the baby " + "and more " * 20
    named = make_enquiry(nurse, name="Harriet Jones", email="hj@example.net", phone="07700 900111", summary=question)
    nameless = make_enquiry(nurse, name="", summary="Is it <safe> to breastfeed?")
    page = nurse_client.get(URL).content.decode()

    row = row_of(page, named.reference)
    assert "Harriet: \u201cSevere back pain since the birth six weeks ago; finding it hard to lift the baby and" in row
    assert "\u2026\u201d" in row and "more more more more more more more more" not in row
    assert "Jones" not in page and "hj@example.net" not in page and "900111" not in page
    assert "anonymous: \u201cIs it &lt;safe&gt; to breastfeed?\u201d" in row_of(page, nameless.reference)


def test_a_site_admin_sees_references_but_not_who_asked(client, admin_user, nurse):
    enquiry = make_enquiry(nurse, name="Harriet Jones")
    client.force_login(admin_user)
    page = client.get(URL).content.decode()
    assert enquiry.reference in page
    assert "Harriet" not in page and "Broke two vertebrae" not in page


def test_it_paginates(nurse_client, nurse, monkeypatch):
    monkeypatch.setattr("helpline.views.QUEUE_PAGE_SIZE", 5)
    bulk_enquiries(12, nurse)

    first = nurse_client.get(URL, {"channel": ""})
    third = nurse_client.get(URL, {"page": 3})

    assert len(refs(first)) == 5
    assert len(refs(third)) == 2
    assert "Page 1 of 3" in first.content.decode()
    assert "?channel=&amp;page=2" in first.content.decode()


def test_junk_filters_are_ignored_and_the_nurse_is_told_why(nurse_client, nurse):
    make_enquiry(nurse)
    response = nurse_client.get(URL, {"status": "bogus", "topic": "x", "assignee": "abc", "page": "zz"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 enquiry" in page
    for field in ("status", "topic", "assignee"):
        # Each select's aria-describedby points at a message that is on the page.
        assert f'aria-describedby="id_{field}_error"' in page
        assert f'<p class="error-message" id="id_{field}_error">' in page
    assert "The filters were not applied." in page


def row_of(page: str, reference: str) -> str:
    start = page.index(f">{reference}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


def test_each_row_shows_its_link_labels_topics_and_nurse(nurse_client, nurse):
    nameless = make_user("nameless@example.org", role="nurse", mfa=True)
    flagged = make_enquiry(nurse, urgency=Urgency.SOON, channel=Channel.LETTER, topics=[Topic.PAIN, Topic.DIAGNOSIS])
    Enquiry.objects.filter(pk=flagged.pk).update(red_flag=True, assigned_to=nurse)
    by_email = make_enquiry(nurse, urgency=Urgency.URGENT, channel=Channel.WEB)
    services.enquiry_assign(enquiry=by_email, by=nurse, to=nameless)
    unassigned = make_enquiry(nurse)
    services.enquiry_assign(enquiry=unassigned, by=nurse, to=None)

    page = nurse_client.get(URL).content.decode()

    row = row_of(page, flagged.reference)
    assert f'<a href="/helpline/enquiries/{flagged.pk}/">{flagged.reference}</a>' in row
    assert '<span class="tag tag--urgent">Red flag</span>' in row
    assert '<span class="tag tag--soon">Soon</span>' in row
    assert "<td>New</td>" in row and "<td>Letter</td>" in row
    assert "<td>Diagnosis and tests, Pain</td>" in row
    assert "<td>Nora</td>" in row
    row = row_of(page, by_email.reference)
    assert "Red flag" not in row and '<span class="tag tag--urgent">Urgent</span>' in row
    assert "<td>Web form</td>" in row and "<td>nameless@example.org</td>" in row
    assert '<span class="meta">Nobody yet</span>' in row_of(page, unassigned.reference)


def test_the_callback_column_shows_when_it_is_due_in_local_time(nurse_client, nurse):
    enquiry = make_enquiry(nurse)
    due = timezone.now() + timedelta(days=2)
    services.callback_schedule(enquiry=enquiry, by=nurse, due_at=due, assigned_to=nurse)
    created = Enquiry.objects.get(pk=enquiry.pk).created_at

    row = row_of(nurse_client.get(URL).content.decode(), enquiry.reference)

    local = timezone.localtime(due)
    assert f"<td>{local.day} {local:%b %H:%M}</td>" in row
    moment = timezone.localtime(created).replace(microsecond=0).isoformat()
    assert f'<time datetime="{moment}">0\xa0minutes</time>' in row


def test_names_in_the_rows_and_the_nurse_filter_are_escaped(nurse_client, nurse):
    odd = make_user("odd@example.org", role="nurse", mfa=True, first_name="<b>Bold</b>")
    enquiry = make_enquiry(nurse)
    services.enquiry_assign(enquiry=enquiry, by=nurse, to=odd)

    page = nurse_client.get(URL).content.decode()

    assert "<b>Bold</b>" not in page
    assert "<td>&lt;b&gt;Bold&lt;/b&gt;</td>" in row_of(page, enquiry.reference)
    assert f'<option value="{odd.pk}">&lt;b&gt;Bold&lt;/b&gt;</option>' in page


def test_the_filters_show_what_was_chosen(nurse_client, nurse):
    page = nurse_client.get(URL, {"status": "all", "topic": "pain", "assignee": "me", "overdue": "on"}).content.decode()

    assert '<option value="all" selected>All</option>' in page
    assert '<option value="open">Open (not closed)</option>' in page
    assert '<option value="pain" selected>Pain</option>' in page
    assert '<option value="" selected>Any channel</option>' in page
    assert '<option value="me" selected>Me</option>' in page
    assert f'<option value="{nurse.pk}">Nora</option>' in page
    assert 'id="id_overdue" checked' in page


def test_the_open_queue_topic_filter_follows_an_enquiry_closing_and_reopening(nurse_client, nurse):
    reopened = make_enquiry(nurse, topics=[Topic.PAIN])
    other = make_enquiry(nurse, topics=[Topic.PAIN, Topic.HEPARIN])
    services.enquiry_transition(enquiry=reopened, by=nurse, action="close", outcome="signposted")

    response = nurse_client.get(URL, {"topic": "pain"})
    assert refs(response) == [other.reference]
    assert "1 enquiry, most urgent first" in response.content.decode()
    assert refs(nurse_client.get(URL, {"topic": "pain", "status": Status.CLOSED})) == [reopened.reference]

    services.enquiry_transition(enquiry=reopened, by=nurse, action="reopen")

    response = nurse_client.get(URL, {"topic": "pain"})
    assert refs(response) == [reopened.reference, other.reference]
    assert "2 enquiries, most urgent first" in response.content.decode()
    assert refs(nurse_client.get(URL, {"topic": "pain", "status": Status.IN_PROGRESS})) == [reopened.reference]
    assert refs(nurse_client.get(URL, {"topic": "pain", "status": Status.CLOSED})) == []
