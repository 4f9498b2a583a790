"""Fill an empty database with realistic volumes for benchmarks and demonstrations.

    manage.py seed_demo --mothers 20000 --peers 10000 --enquiries 200000 --messages 500000

Three years of helpline enquiries (topics, channels, urgencies, statuses and outcomes in
plausible proportions, older ones closed and past retention anonymised, as the hourly
job would have left them) with their timelines (`--messages` entries in all); mothers'
accounts, some with peer-support requests; peer volunteers at every stage (applied,
approved, paused, briefing lapsed) with introductions that hold their places; a team of
nurses; and the leaflet, if it is not loaded yet. Every row goes in with bulk inserts,
so the full volumes take a few minutes. Fixed random seed: the same data every time.

All names, addresses and numbers are invented: emails at example.org, phone numbers from
Ofcom's range for drama (07700 900000 to 900999).
"""

import random
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from helpline import opening_hours, response_targets
from helpline.models import (
    REFERENCE_ALPHABET,
    CallerType,
    Channel,
    Enquiry,
    EnquiryEvent,
    EnquiryTopic,
    Outcome,
    Person,
    Status,
    Topic,
    Urgency,
)
from helpline.models import Region as HomeRegion
from leaflet.loader import content_load
from leaflet.models import Section
from peers.models import FractureKind, Introduction, Message, PeerRequest, Region, TalkBy, Timing, VolunteerProfile
from peers.models import Topic as PeerTopic
from portal.models import User
from portal.roles import Role

BATCH = 5000
YEARS = 3
NURSES = 12
DOMAIN = "demo.example.org"

FIRST_NAMES = (  # noqa: SIM905 - easier to read and edit as text
    "Amelia Olivia Isla Ava Mia Grace Sophia Lily Freya Emily Ivy Ella Rosie Evie Florence Poppy Charlotte "
    "Willow Sienna Phoebe Harper Sophie Alice Isabella Daisy Matilda Aisha Fatima Zara Maryam Priya Anya "
    "Niamh Siobhan Catrin Megan Eilidh Rhiannon Chloe Hannah Lucy Jessica Ruth Sarah Kate Laura Rachel"
).split()
SURNAMES = (  # noqa: SIM905
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Patel Robinson Wright Thompson Evans Walker "
    "White Roberts Green Hall Thomas Clarke Jackson Wood Harris Edwards Turner Martin Cooper Hill Ward "
    "Hughes Moore Clark King Harrison Lewis Baker Lee Allen Morris Khan Scott Watson Davis Parker Price"
).split()

# (value, weight): how often each shows up at the helpline.
CHANNELS = ((Channel.PHONE, 55), (Channel.EMAIL, 25), (Channel.WEB, 15), (Channel.LETTER, 5))
CALLERS = (
    (CallerType.SELF, 76),
    (CallerType.PARTNER, 9),
    (CallerType.RELATIVE, 7),
    (CallerType.PROFESSIONAL, 6),
    (CallerType.OTHER, 2),
)
# Where she lives (the funder report), roughly by population; one in five did not say.
HOME_REGIONS = (
    ("", 20),
    (HomeRegion.LONDON, 11),
    (HomeRegion.SOUTH_EAST, 11),
    (HomeRegion.NORTH_WEST, 9),
    (HomeRegion.EAST, 8),
    (HomeRegion.WEST_MIDLANDS, 7),
    (HomeRegion.SOUTH_WEST, 7),
    (HomeRegion.YORKSHIRE, 7),
    (HomeRegion.SCOTLAND, 6),
    (HomeRegion.EAST_MIDLANDS, 6),
    (HomeRegion.WALES, 4),
    (HomeRegion.NORTH_EAST, 3),
    (HomeRegion.NORTHERN_IRELAND, 2),
    (HomeRegion.OUTSIDE_UK, 1),
)
# One enquiry in five is from a woman the helpline knows (helpline.people), two or three each on average.
KNOWN_SHARE = 0.2
URGENCIES = ((Urgency.URGENT, 7), (Urgency.SOON, 23), (Urgency.ROUTINE, 70))
TOPICS = (
    (Topic.PAIN, 22),
    (Topic.DIAGNOSIS, 18),
    (Topic.DRUG_TREATMENTS, 12),
    (Topic.BREASTFEEDING, 10),
    (Topic.FUTURE_PREGNANCIES, 9),
    (Topic.EXERCISE, 7),
    (Topic.CALCIUM_VITAMIN_D, 6),
    (Topic.EMOTIONAL_SUPPORT, 6),
    (Topic.HEPARIN, 3),
    (Topic.PEER_CONTACT, 3),
    (Topic.PRACTICAL_HELP, 2),
    (Topic.MONEY, 1),
    (Topic.LEAFLET_REQUEST, 1),
)
OUTCOMES = (
    (Outcome.INFORMATION_GIVEN, 55),
    (Outcome.SIGNPOSTED, 18),
    (Outcome.REFERRED_GP, 12),
    (Outcome.REFERRED_PEER_SUPPORT, 5),
    (Outcome.NO_FURTHER_ACTION, 10),
)
# Open enquiries are recent: the share of each status among those under 30 days old.
RECENT_STATUSES = (
    (Status.NEW, 14),
    (Status.TRIAGED, 10),
    (Status.AWAITING_CALLBACK, 10),
    (Status.IN_PROGRESS, 8),
    (Status.CLOSED, 58),
)
SUMMARIES = {
    Topic.PAIN: "Severe back pain since the birth {weeks} weeks ago; finding it hard to lift the baby.",
    Topic.DIAGNOSIS: "Told she has spinal fractures after a scan; wants to understand the diagnosis.",
    Topic.DRUG_TREATMENTS: "GP has suggested a bisphosphonate; asking about side effects and timing.",
    Topic.BREASTFEEDING: "Wondering whether to stop breastfeeding to help her bones recover.",
    Topic.FUTURE_PREGNANCIES: "Thinking about another baby; worried about fractures happening again.",
    Topic.EXERCISE: "Asking which exercises are safe while the fractures heal.",
    Topic.CALCIUM_VITAMIN_D: "How much calcium and vitamin D should she take while breastfeeding?",
    Topic.EMOTIONAL_SUPPORT: "Feeling low and isolated since the fractures; partner calling on her behalf.",
    Topic.HEPARIN: "Had heparin injections in pregnancy; asking whether it caused the bone loss.",
    Topic.PEER_CONTACT: "Would like to talk to another mother who has been through this.",
    Topic.PRACTICAL_HELP: "Needs help at home with the baby while she cannot lift.",
    Topic.MONEY: "Asking about statutory sick pay and going back to work.",
    Topic.LEAFLET_REQUEST: "Asked for printed leaflets for her GP surgery.",
}
NOTES = (
    "Talked through the leaflet section on pain relief.",
    "Sent the link to the exercises page.",
    "Left a message; will try again tomorrow.",
    "Discussed questions to ask at the next GP appointment.",
    "She has a DXA scan booked next month.",
    "Reassured about breastfeeding and medication; suggested she checks with her consultant.",
    "Called back as arranged; she is feeling more positive.",
)

CHAT = (
    "How are you getting on this week?",
    "The physio gave me new exercises, slowly getting there.",
    "I remember that stage, it does get easier, I promise.",
    "Baby slept four hours in a row last night!",
    "I had my scan results back, still waiting to see the consultant.",
    "Lifting the car seat is still the hardest part for me.",
    "Did you carry on breastfeeding after your fractures?",
    "Thank you for listening, it really helps to talk to someone who gets it.",
)


def pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class Command(BaseCommand):
    help = "Create realistic volumes of demo data with bulk inserts (use an empty database)."

    def add_arguments(self, parser):
        parser.add_argument("--mothers", type=int, default=2000)
        parser.add_argument("--peers", type=int, default=1000, help="peer volunteers")
        parser.add_argument("--enquiries", type=int, default=20000)
        parser.add_argument("--messages", type=int, default=50000, help="timeline entries across all enquiries")
        parser.add_argument("--conversations", type=int, default=0, help="live peer conversations in the portal")
        parser.add_argument("--conversation-messages", type=int, default=0, help="messages across those")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, mothers, peers, enquiries, messages, conversations, conversation_messages, seed, **options):
        if Enquiry.objects.exists() or User.objects.filter(email__endswith="@" + DOMAIN).exists():
            raise CommandError("The database already has enquiries or demo users: seed_demo fills an empty one.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        started = time.monotonic()
        if not Section.objects.filter(status=Section.Status.PUBLISHED).exists():
            content_load()
            self.say("the leaflet", Section.objects.count())
        nurses = self.make_users("nurse", NURSES, Role.NURSE)
        mother_users = self.make_users("mother", mothers, Role.MOTHER)
        volunteers = self.make_volunteers(peers)
        self.make_peer_requests(mother_users, volunteers)
        if conversations:
            self.make_conversations(conversations, conversation_messages, volunteers)
        self.make_enquiries(enquiries, messages, nurses)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh statistics for the planner, and a visibility map so index-only scans work.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.0f} s."))

    def say(self, what: str, count: int) -> None:
        self.stdout.write(f"{count:>9,} {what}")

    def when(self, max_days_ago: float):
        """A moment in the last `max_days_ago` days, more of them recent (the helpline grows)."""
        return self.now - timedelta(days=max_days_ago * self.rng.random() ** 1.3)

    # ------------------------------------------------------------ people

    @transaction.atomic
    def make_users(self, kind: str, count: int, role: str) -> list[User]:
        rng = self.rng
        users = []
        for n in range(count):
            joined = self.when(YEARS * 365)
            users.append(
                User(
                    email=f"{kind}{n}@{DOMAIN}",
                    first_name=rng.choice(FIRST_NAMES),
                    last_name=rng.choice(SURNAMES),
                    password="!",  # unusable: demo people cannot sign in
                    date_joined=joined,
                    last_login=joined + timedelta(days=rng.random() * 30),
                )
            )
        users = User.objects.bulk_create(users, batch_size=BATCH)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
        )
        group = Group.objects.get_or_create(name=role)[0]
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=BATCH
        )
        self.say(f"{kind}s", len(users))
        return users

    def experience(self, first_name: str) -> dict:
        rng = self.rng
        return {
            "first_name": first_name,
            "fracture_kind": pick(
                rng,
                (
                    (FractureKind.SPINAL, 60),
                    (FractureKind.HIP, 10),
                    (FractureKind.WRIST_OTHER, 15),
                    (FractureKind.TRANSIENT_HIP, 15),
                ),
            ),
            "timing": pick(rng, ((Timing.DURING, 30), (Timing.BIRTH, 15), (Timing.WEEKS_AFTER, 55))),
            "pregnancy_number": rng.choice([1, 1, 1, 2, 2, 3]),
            "breastfed": rng.choice([True, True, False, None]),
            "heparin": rng.choice([True, False, False, False, None]),
            "later_pregnancies": rng.choice([True, False, False, None]),
            "topics": rng.sample(PeerTopic.values, rng.randint(1, 3)),
            "region": rng.choice(Region.values),
            "languages": ["English"]
            + (["Welsh"] if rng.random() < 0.06 else [])
            + (["Urdu"] if rng.random() < 0.03 else []),
        }

    @transaction.atomic
    def make_volunteers(self, count: int) -> list[VolunteerProfile]:
        rng = self.rng
        today = timezone.localdate(self.now)
        users = self.make_users("volunteer", count, Role.VOLUNTEER)
        profiles = []
        for user in users:
            status = pick(
                rng,
                (
                    (VolunteerProfile.Status.APPROVED, 86),
                    (VolunteerProfile.Status.APPLIED, 9),
                    (VolunteerProfile.Status.DECLINED, 5),
                ),
            )
            applied = user.date_joined
            profile = VolunteerProfile(
                user=user,
                status=status,
                capacity=rng.choice([1, 1, 2, 2, 3]),
                applied_at=applied,
                contact_email=user.email,
                **self.experience(user.first_name),
            )
            if status != VolunteerProfile.Status.APPLIED:
                profile.reviewed_at = applied + timedelta(days=rng.randint(1, 14))
            if status == VolunteerProfile.Status.APPROVED:
                # Briefings last two years; about one in eight has lapsed and waits for a refresher.
                completed = today - timedelta(days=rng.randint(0, 830))
                profile.briefing_completed_on = completed
                profile.briefing_expires_on = completed + timedelta(days=730)
                profile.paused = rng.random() < 0.05
            profiles.append(profile)
        profiles = VolunteerProfile.objects.bulk_create(profiles, batch_size=BATCH)
        self.say("volunteer profiles", len(profiles))
        return profiles

    @transaction.atomic
    def make_peer_requests(self, mothers: list[User], volunteers: list[VolunteerProfile]) -> None:
        """About one mother in twelve has asked for a peer contact; the live ones hold volunteers' places."""
        rng = self.rng
        today = timezone.localdate(self.now)
        free = [
            v
            for v in volunteers
            if v.status == VolunteerProfile.Status.APPROVED and not v.paused and v.briefing_expires_on >= today
        ]
        requests = []
        for mother in rng.sample(mothers, len(mothers) // 12):
            created = self.when(YEARS * 365)
            age_days = (self.now - created).days
            if age_days < 10:
                status = pick(rng, ((PeerRequest.Status.WAITING, 6), (PeerRequest.Status.PROPOSED, 4)))
            elif age_days < 120:
                status = pick(
                    rng,
                    (
                        (PeerRequest.Status.WAITING, 1),
                        (PeerRequest.Status.INTRODUCED, 6),
                        (PeerRequest.Status.WITHDRAWN, 1),
                    ),
                )
            else:
                status = pick(rng, ((PeerRequest.Status.CLOSED, 9), (PeerRequest.Status.WITHDRAWN, 1)))
            request = PeerRequest(
                mother=mother,
                status=status,
                created_at=created,
                about="Would like to talk to someone who had fractures after having a baby.",
                consent_nurses_read=True,
                consent_share_details=True,
                contact_email=mother.email,
                **self.experience(mother.first_name),
            )
            if status in (PeerRequest.Status.INTRODUCED, PeerRequest.Status.CLOSED):
                request.introduced_at = created + timedelta(days=rng.randint(2, 10))
            if status in (PeerRequest.Status.CLOSED, PeerRequest.Status.WITHDRAWN):
                request.ended_at = created + timedelta(days=rng.randint(11, 100))
            requests.append(request)
        requests = PeerRequest.objects.bulk_create(requests, batch_size=BATCH)

        introductions = []
        live = {
            PeerRequest.Status.PROPOSED: Introduction.Status.PROPOSED,
            PeerRequest.Status.INTRODUCED: Introduction.Status.ACCEPTED,
        }
        for request in requests:
            if request.status not in (*live, PeerRequest.Status.CLOSED):
                continue
            volunteer = rng.choice(free)
            if request.status in live:
                if volunteer.active_count >= volunteer.capacity:
                    continue  # she is full: this request waits for someone else
                volunteer.active_count += 1
            proposed = request.created_at + timedelta(days=rng.randint(0, 2))
            introductions.append(
                Introduction(
                    peer_request=request,
                    volunteer=volunteer,
                    status=live.get(request.status, Introduction.Status.ENDED),
                    proposed_at=proposed,
                    respond_by=proposed + timedelta(days=7),
                    responded_at=request.introduced_at,
                    ended_at=request.ended_at,
                )
            )
        Introduction.objects.bulk_create(introductions, batch_size=BATCH)
        VolunteerProfile.objects.bulk_update([v for v in free if v.active_count], ["active_count"], batch_size=BATCH)
        self.say("peer requests", len(requests))
        self.say("introductions", len(introductions))

    @transaction.atomic
    def make_conversations(self, count: int, messages: int, volunteers: list[VolunteerProfile]) -> None:
        """Live introductions talking by messages in the portal, each with its share of the messages so far."""
        rng = self.rng
        mothers = self.make_users("talking-mother", count, Role.MOTHER)
        approved = [v for v in volunteers if v.status == VolunteerProfile.Status.APPROVED]
        places = [v for v in approved for _ in range(v.capacity - v.active_count)]
        if len(places) < count:
            raise CommandError(
                f"Only {len(places)} volunteers' places are free for {count} conversations: add --peers."
            )
        requests = []
        for mother in mothers:
            introduced = self.now - timedelta(days=rng.uniform(2, 50))
            requests.append(
                PeerRequest(
                    mother=mother,
                    status=PeerRequest.Status.INTRODUCED,
                    created_at=introduced - timedelta(days=rng.randint(2, 10)),
                    introduced_at=introduced,
                    consent_nurses_read=True,
                    consent_share_details=True,
                    contact_email=mother.email,
                    **self.experience(mother.first_name),
                )
            )
        requests = PeerRequest.objects.bulk_create(requests, batch_size=BATCH)
        intros = []
        for request, volunteer in zip(requests, rng.sample(places, count), strict=True):
            volunteer.active_count += 1
            intros.append(
                Introduction(
                    peer_request=request,
                    volunteer=volunteer,
                    status=Introduction.Status.ACCEPTED,
                    talk_by=TalkBy.PORTAL,
                    proposed_at=request.created_at,
                    respond_by=request.created_at + timedelta(days=7),
                    responded_at=request.introduced_at,
                    planned_end_at=request.introduced_at + timedelta(weeks=8),
                )
            )
        intros = Introduction.objects.bulk_create(intros, batch_size=BATCH)
        VolunteerProfile.objects.bulk_update(approved, ["active_count"], batch_size=BATCH)
        per, made, batch = messages // count, 0, []
        for intro in intros:
            step = (self.now - intro.responded_at) / (per + 1)
            for k in range(per):
                at = intro.responded_at + step * (k + 1)
                mother_writes = k % 2 == 0
                text = rng.choice(CHAT)
                batch.append(
                    Message(
                        introduction=intro,
                        author_id=intro.peer_request.mother_id if mother_writes else intro.volunteer.user_id,
                        side=Message.Side.MOTHER if mother_writes else Message.Side.VOLUNTEER,
                        body=text,
                        shared_body=text,
                        created_at=at,
                        read_at=at + step / 2,
                        level="routine",
                    )
                )
            if len(batch) >= BATCH * 10:
                made += len(Message.objects.bulk_create(batch, batch_size=BATCH))
                batch = []
        made += len(Message.objects.bulk_create(batch, batch_size=BATCH))
        self.say("live conversations in the portal", len(intros))
        self.say("messages in them", made)

    # ------------------------------------------------------------ the helpline

    def make_enquiries(self, count: int, messages: int, nurses: list[User]) -> None:
        references: set[str] = set()
        retention = timedelta(days=settings.HELPLINE_RETENTION_DAYS)
        made = events_made = 0
        # Oldest first, so ids grow with time as they do in real life.
        moments = sorted((self.when(YEARS * 365) for _ in range(count)), reverse=False)
        # First-response due times as the services set them, from one schedule laid out over the years.
        minutes = response_targets.target_minutes()
        schedule = opening_hours.Schedule(
            moments[0] if moments else self.now, closures=[], reach=timedelta(days=YEARS * 365 + 400)
        )
        people = [p.pk for p in Person.objects.bulk_create([Person() for _ in range(count // 12)], batch_size=BATCH)]
        for start in range(0, count, BATCH):
            with transaction.atomic():
                batch, topics_of, event_quota = [], [], []
                for i in range(start, min(start + BATCH, count)):
                    created = moments[i]
                    enquiry, topics = self.enquiry(created, nurses, references, retention)
                    if people and self.rng.random() < KNOWN_SHARE:
                        enquiry.person_id = self.rng.choice(people)
                    response_targets.enquiry_due_set(enquiry, minutes=minutes, schedule=schedule)
                    if enquiry.awaiting_response_due_at and enquiry.awaiting_response_due_at < self.now:
                        # Already late when seeded: as after a backfill, not one warning email each.
                        enquiry.target_warned_at = enquiry.awaiting_response_due_at
                    batch.append(enquiry)
                    topics_of.append(topics)
                    # Spread `messages` timeline entries over the enquiries: closed ones have more.
                    event_quota.append(messages * (i + 1) // count - messages * i // count)
                batch = Enquiry.objects.bulk_create(batch, batch_size=BATCH)
                EnquiryTopic.objects.bulk_create(
                    [
                        EnquiryTopic(enquiry=e, topic=t, enquiry_open=e.is_open)
                        for e, topics in zip(batch, topics_of, strict=True)
                        for t in topics
                    ],
                    batch_size=BATCH,
                )
                events = [ev for e, quota in zip(batch, event_quota, strict=True) for ev in self.timeline(e, quota)]
                EnquiryEvent.objects.bulk_create(events, batch_size=BATCH)
            made += len(batch)
            events_made += len(events)
            self.stdout.write(f"{made:>9,} enquiries, {events_made:,} timeline entries", ending="\r")
            self.stdout.flush()
        self.stdout.write("")
        self.say("enquiries", made)
        self.say("timeline entries", events_made)

    def enquiry(self, created, nurses, references: set[str], retention) -> tuple[Enquiry, list[str]]:
        rng = self.rng
        reference = "HL-" + "".join(rng.choices(REFERENCE_ALPHABET, k=6))
        while reference in references:
            reference = "HL-" + "".join(rng.choices(REFERENCE_ALPHABET, k=6))
        references.add(reference)

        age = self.now - created
        if age < timedelta(days=30):
            status = pick(rng, RECENT_STATUSES)
        elif age < timedelta(days=90):
            status = pick(rng, ((Status.IN_PROGRESS, 2), (Status.AWAITING_CALLBACK, 1), (Status.CLOSED, 97)))
        else:
            status = Status.CLOSED
        topics = list(dict.fromkeys(pick(rng, TOPICS) for _ in range(rng.choice([1, 1, 1, 2, 2, 3]))))
        channel = pick(rng, CHANNELS)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        consent_email = channel in (Channel.EMAIL, Channel.WEB) or rng.random() < 0.4
        urgency = pick(rng, URGENCIES)
        enquiry = Enquiry(
            reference=reference,
            channel=channel,
            caller_type=pick(rng, CALLERS),
            region=pick(rng, HOME_REGIONS),
            name=name,
            email=f"{name.split()[0].lower()}.{rng.randint(1, 99999)}@example.org" if consent_email else "",
            phone=f"07700 900{rng.randint(0, 999):03d}" if channel != Channel.EMAIL else "",
            urgency=urgency,
            summary=SUMMARIES[topics[0]].format(weeks=rng.randint(2, 30)),
            consent_email=consent_email,
            consent_phone=channel == Channel.PHONE,
            safe_to_email=consent_email,
            safe_to_leave_message=rng.random() < 0.6,
            red_flag=urgency == Urgency.URGENT and rng.random() < 0.3,
            status=status,
            created_at=created,
            created_by=None if channel == Channel.WEB else rng.choice(nurses),
        )
        if status != Status.NEW:
            enquiry.assigned_to = rng.choice(nurses)
            enquiry.first_response_at = created + timedelta(
                hours=rng.uniform(0.2, 48 if urgency != Urgency.URGENT else 4)
            )
        if status == Status.AWAITING_CALLBACK:
            enquiry.next_callback_at = self.now + timedelta(hours=rng.uniform(-24, 72))
        if status == Status.CLOSED:
            enquiry.outcome = pick(rng, OUTCOMES)
            enquiry.closed_at = min(created + timedelta(days=rng.expovariate(1 / 6)), self.now)
            if self.now - enquiry.closed_at > retention:
                # What the hourly retention job leaves behind.
                enquiry.name = enquiry.email = enquiry.phone = ""
                enquiry.summary = "[anonymised]"
                enquiry.anonymised_at = enquiry.closed_at + retention + timedelta(hours=rng.random())
        return enquiry, topics

    def timeline(self, enquiry: Enquiry, quota: int) -> list[EnquiryEvent]:
        """`quota` entries: logged first, closed last (if it is), notes and status changes between."""
        rng = self.rng
        if quota <= 0:
            return []
        end = enquiry.closed_at or self.now
        actor = enquiry.assigned_to_id or enquiry.created_by_id
        anonymised = enquiry.anonymised_at is not None
        events = [
            EnquiryEvent(
                enquiry=enquiry, at=enquiry.created_at, actor_id=enquiry.created_by_id, kind=EnquiryEvent.Kind.CREATED
            )
        ]
        closing = enquiry.status == Status.CLOSED and quota >= 2
        for _ in range(quota - 1 - closing):
            at = enquiry.created_at + (end - enquiry.created_at) * rng.random()
            if rng.random() < 0.7:
                text = "" if anonymised else rng.choice(NOTES)
                events.append(
                    EnquiryEvent(enquiry=enquiry, at=at, actor_id=actor, kind=EnquiryEvent.Kind.NOTE, text=text)
                )
            else:
                events.append(
                    EnquiryEvent(
                        enquiry=enquiry,
                        at=at,
                        actor_id=actor,
                        kind=EnquiryEvent.Kind.STATUS,
                        from_status=Status.NEW,
                        to_status=Status.TRIAGED,
                    )
                )
        if closing:
            events.append(
                EnquiryEvent(
                    enquiry=enquiry,
                    at=end,
                    actor_id=actor,
                    kind=EnquiryEvent.Kind.STATUS,
                    from_status=Status.IN_PROGRESS,
                    to_status=Status.CLOSED,
                )
            )
        return events
