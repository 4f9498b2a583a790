"""A small demo data set, so every page of a newcomer's portal has something to show.

Made through the same services people use, so it is consistent the way real data is
(timelines, audit rows, volunteers' places, and mail in the outbox that the worker then
sends to var/mail/). Every person in it is invented: addresses at demo.example.org, and
each enquiry and request says "[Demo]" at the start of its text.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from helpline import replies, response_targets
from helpline import services as helpline
from helpline.models import CallerType, Channel, Enquiry, EnquiryEvent, FollowUpTemplate, Outcome, Status, Urgency
from peers import conversations
from peers import services as peers
from peers.models import FractureKind, PeerRequest, Region, Timing
from peers.models import Topic as PeerTopic
from portal.models import User

from .management.commands.seed_demo import FIRST_NAMES, NOTES, SUMMARIES, SURNAMES

LABEL = "[Demo] "
DOMAIN = "demo.example.org"
ENQUIRIES = 36

# Volunteers of different backgrounds: (first name, experience). The first is the demo volunteer's.
VOLUNTEERS = [
    ("Beth", FractureKind.SPINAL, Timing.WEEKS_AFTER, True, False, Region.NORTH_WEST, [PeerTopic.PAIN]),
    ("Fiona", FractureKind.SPINAL, Timing.DURING, False, True, Region.SCOTLAND, [PeerTopic.FUTURE_PREGNANCIES]),
    ("Grace", FractureKind.HIP, Timing.BIRTH, True, False, Region.LONDON, [PeerTopic.NEW_BABY]),
    ("Hana", FractureKind.WRIST_OTHER, Timing.WEEKS_AFTER, True, False, Region.WALES, [PeerTopic.BREASTFEEDING]),
    ("Iris", FractureKind.TRANSIENT_HIP, Timing.DURING, False, False, Region.YORKSHIRE, [PeerTopic.EMOTIONAL]),
    ("Jade", FractureKind.SPINAL, Timing.WEEKS_AFTER, True, True, Region.SOUTH_WEST, [PeerTopic.WORK_BENEFITS]),
]
# Mothers asking for a peer contact: (first name, experience). The first is the demo mother's.
MOTHERS = [
    ("Amy", FractureKind.SPINAL, Timing.WEEKS_AFTER, True, False, Region.NORTH_WEST, [PeerTopic.PAIN]),
    ("Kerry", FractureKind.SPINAL, Timing.DURING, False, True, Region.SCOTLAND, [PeerTopic.FUTURE_PREGNANCIES]),
    ("Leah", FractureKind.HIP, Timing.BIRTH, True, False, Region.EAST, [PeerTopic.NEW_BABY, PeerTopic.PAIN]),
    ("Maya", FractureKind.WRIST_OTHER, Timing.WEEKS_AFTER, True, False, Region.WALES, [PeerTopic.BREASTFEEDING]),
    ("Nadia", FractureKind.SPINAL, Timing.WEEKS_AFTER, False, False, Region.LONDON, [PeerTopic.EMOTIONAL]),
]


def _experience(fracture_kind, timing, breastfed, heparin, region, topics) -> dict:
    return {
        "fracture_kind": fracture_kind,
        "timing": timing,
        "pregnancy_number": 1,
        "breastfed": breastfed,
        "heparin": heparin,
        "later_pregnancies": False,
        "region": region,
        "topics": topics,
    }


def _person(first_name: str, existing: User | None) -> User:
    if existing is not None:
        return existing
    email = f"{first_name.lower()}@{DOMAIN}"
    user = User.objects.create_user(email, None, first_name=first_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def has_data() -> bool:
    return Enquiry.objects.exists() or PeerRequest.objects.exists()


@transaction.atomic
def demo_data_load(*, nurse: User, mother: User, volunteer: User) -> dict[str, int]:
    """Fill an empty portal: the demo mother introduced to the demo volunteer, requests waiting for
    a proposal and one waiting for a volunteer's answer, a volunteer awaiting review, and a few dozen
    enquiries at every stage and urgency. Returns how many of each it made."""
    today = timezone.localdate()
    profiles = []
    for i, (first_name, *experience) in enumerate(VOLUNTEERS):
        user = _person(first_name, volunteer if i == 0 else None)
        data = {**_experience(*experience), "first_name": first_name, "contact_email": user.email, "capacity": 2}
        profile = peers.volunteer_apply(by=user, data=data)
        if i < len(VOLUNTEERS) - 1:  # the last one waits for a nurse to review her application
            peers.volunteer_approve(
                by=nurse,
                volunteer=profile,
                briefing_completed_on=today - timedelta(days=30 * (i + 1)),
                briefing_expires_on=today + timedelta(days=700 - 30 * i),
            )
        profiles.append(profile)

    requests = []
    for i, (first_name, *experience) in enumerate(MOTHERS):
        user = _person(first_name, mother if i == 0 else None)
        data = {
            **_experience(*experience),
            "first_name": first_name,
            "contact_email": user.email,
            "about": LABEL + "I would like to talk to someone who had fractures after having a baby.",
        }
        requests.append(
            peers.peer_request_create(by=user, data=data, consent_nurses_read=True, consent_share_details=True)
        )
    # Amy is introduced to Beth; Kerry's request waits for Fiona's answer; the rest wait for a proposal.
    intro = peers.introduction_propose(by=nurse, peer_request=requests[0], volunteer=profiles[0])
    peers.introduction_accept(by=volunteer, introduction=intro)
    conversations.message_send(
        by=requests[0].mother, introduction=intro, body=LABEL + "Hello, thank you for agreeing to talk."
    )
    conversations.message_send(by=volunteer, introduction=intro, body=LABEL + "Hello! How are you and the baby doing?")
    peers.introduction_propose(by=nurse, peer_request=requests[1], volunteer=profiles[1])

    enquiries = _enquiries(nurse)
    _her_enquiry(nurse=nurse, mother=mother)
    return {
        "enquiries": enquiries,
        "volunteers": len(profiles),
        "peer requests": len(requests),
        "answered enquiry of the demo mother's own": 1,
    }


# The demo mother's own question and a nurse's answer, so "My enquiries" shows a conversation.
# The answer gives no advice of its own: it points to the guidance (the leaflet's words, clinically
# signed off) and to the helpline.
HER_QUESTION = (
    LABEL + "I am still breastfeeding my daughter, who is four months old. Should I stop to help my bones "
    "recover from the fractures?"
)
HER_TOPIC = "breastfeeding"
HER_GUIDANCE = "section:breastfeeding"
HER_ANSWER = (
    "{page} is about exactly this question. Please read it, and reply here with anything it does not answer "
    "for you, or call the helpline and quote your reference: we are happy to talk it through."
)


def _her_enquiry(*, nurse: User, mother: User) -> Enquiry:
    """Amy asked from her account three days ago, and a nurse has answered: it waits for her now."""
    enquiry = helpline.enquiry_ask(
        question=HER_QUESTION, topics=[HER_TOPIC], name=mother.first_name, email=mother.email, user=mother
    )
    helpline.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")
    helpline.enquiry_transition(enquiry=enquiry, by=nurse, action="start")
    linked = replies.links_for([HER_GUIDANCE])
    page = (
        f"The guidance page linked below, \u201c{linked[0]['title']}\u201d,"
        if linked
        else "Our guidance on breastfeeding"
    )
    helpline.enquiry_reply_send(
        enquiry=enquiry,
        by=nurse,
        subject="Your question about breastfeeding",
        body=f"Dear {mother.first_name},\n\nThank you for your question. {HER_ANSWER.format(page=page)}"
        f"\n\n{nurse.first_name}, helpline nurse",
        links=[HER_GUIDANCE] if linked else [],
    )
    _backdate(enquiry, age=timedelta(days=3), now=timezone.now())
    return enquiry


def _enquiries(nurse: User) -> int:
    """Enquiries over the last six weeks: older ones closed, recent ones at every open stage."""
    rng = random.Random(19)  # the same demo every time
    topics = list(SUMMARIES)
    follow_up = FollowUpTemplate.objects.filter(is_active=True).first()
    now = timezone.now()
    for i in range(ENQUIRIES):
        age = timedelta(days=42 * (ENQUIRIES - i) / ENQUIRIES, hours=rng.uniform(0, 8))
        topic = topics[i % len(topics)]
        first_name = rng.choice(FIRST_NAMES)
        anonymous = i % 7 == 3  # some web questions come with no name
        name = "" if anonymous else f"{first_name} {rng.choice(SURNAMES)}"
        email = f"{first_name.lower()}.{i}@{DOMAIN}"
        summary = LABEL + SUMMARIES[topic].format(weeks=rng.randint(2, 30))
        if i % 3 == 0:
            enquiry = helpline.enquiry_ask(question=summary, topics=[topic], name=name, email=email)
        else:
            channel = (Channel.PHONE, Channel.EMAIL, Channel.PHONE, Channel.LETTER)[i % 4]
            enquiry = helpline.enquiry_log(
                by=nurse,
                channel=channel,
                caller_type=CallerType.SELF if i % 4 else CallerType.PARTNER,
                topics=[topic],
                urgency=(Urgency.EMERGENCY, Urgency.CRISIS, Urgency.URGENT, Urgency.SOON, Urgency.ROUTINE)[i % 5],
                summary=summary,
                name=name or f"{first_name} {rng.choice(SURNAMES)}",
                email=email,
                phone=f"07700 900{i:03d}",
                consent_email=True,
                consent_phone=True,
                safe_to_email=True,
                safe_to_leave_message=bool(i % 2),
            )
        _progress(enquiry, nurse=nurse, stage=_stage(age), rng=rng, follow_up=follow_up)
        _backdate(enquiry, age=age, now=now)
    return ENQUIRIES


def _stage(age: timedelta) -> str:
    if age > timedelta(days=10):
        return Status.CLOSED
    stages = (Status.NEW, Status.TRIAGED, Status.AWAITING_CALLBACK, Status.IN_PROGRESS, Status.ANSWERED)
    return stages[int(age.days) % len(stages)]


def _progress(enquiry: Enquiry, *, nurse: User, stage: str, rng: random.Random, follow_up) -> None:
    if stage == Status.NEW:
        return
    helpline.enquiry_transition(enquiry=enquiry, by=nurse, action="triage")
    helpline.enquiry_note_add(enquiry=enquiry, by=nurse, text=rng.choice(NOTES))
    if stage == Status.AWAITING_CALLBACK:
        helpline.callback_schedule(
            enquiry=enquiry,
            by=nurse,
            due_at=timezone.now() + timedelta(days=1, hours=rng.randint(0, 48)),
            assigned_to=nurse,
        )
    elif stage in (Status.IN_PROGRESS, Status.ANSWERED, Status.CLOSED):
        helpline.enquiry_transition(enquiry=enquiry, by=nurse, action="start")
        # Her answer moves it on to "answered"; an enquiry still in progress has had none yet.
        if stage != Status.IN_PROGRESS and follow_up is not None and enquiry.reply_route:
            reply = replies.starting_point(follow_up, enquiry=enquiry, nurse=nurse)
            helpline.enquiry_reply_send(enquiry=enquiry, by=nurse, **reply)
    if stage == Status.CLOSED:
        outcome = rng.choice([Outcome.INFORMATION_GIVEN, Outcome.SIGNPOSTED, Outcome.REFERRED_GP])
        helpline.enquiry_transition(enquiry=enquiry, by=nurse, action="close", outcome=outcome)


def _backdate(enquiry: Enquiry, *, age: timedelta, now) -> None:
    """Move the enquiry and its timeline back in time, so the queue and the reports have a history.
    Callbacks stay in the future."""
    fields = {"created_at": now - age}
    enquiry.refresh_from_db()
    if enquiry.first_response_at:
        fields["first_response_at"] = now - age + timedelta(minutes=20)
    if enquiry.closed_at:
        fields["closed_at"] = now - age + timedelta(days=2)
    Enquiry.objects.filter(pk=enquiry.pk).update(**fields)
    # Its first-response target counts from the moved arrival time.
    response_targets.enquiry_due_refresh(Enquiry.objects.get(pk=enquiry.pk))
    for n, event in enumerate(EnquiryEvent.objects.filter(enquiry=enquiry).order_by("at", "pk")):
        at = now - age + timedelta(minutes=20 * n)
        if enquiry.closed_at and event.to_status == Status.CLOSED:
            at = fields["closed_at"]
        EnquiryEvent.objects.filter(pk=event.pk).update(at=at)
