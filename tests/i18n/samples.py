"""The people and records the crawl (test_pseudo_crawl.py) fills its URLs from.

Everything a person would have typed (names, summaries, messages) is itself accented,
so it never counts as an unmarked English word; stored guidance is the leaflet's own
text, which pages show inside `lang="en"`.
"""

from dataclasses import dataclass, field

from helpline import services as helpline_services
from helpline.models import Topic
from peers import conversations as peers_conversations
from peers import services as peers_services
from portal.models import User
from portal.roles import Role
from tests.conftest import make_user
from tests.peers.builders import make_request, make_volunteer


@dataclass
class Samples:
    mother: User
    volunteer: User
    nurse: User
    editor: User
    admin: User
    # Filled by each app's own builders (records the crawl's URLs point at), by name.
    records: dict = field(default_factory=dict)

    def readers(self) -> list[User | None]:
        """Who the crawl tries a page as, in this order, until one of them may see it."""
        return [None, self.mother, self.volunteer, self.nurse, self.editor, self.admin]


def samples_create() -> Samples:
    """The people; a mother with a question to the helpline, a peer request and a live conversation; another request."""
    samples = Samples(
        mother=make_user("anwen@example.org", role=Role.MOTHER, first_name="Ánwén"),
        volunteer=make_user("megan@example.org", role=Role.VOLUNTEER, first_name="Mégán"),
        nurse=make_user("nia@example.org", role=Role.NURSE, mfa=True, first_name="Níá"),
        editor=make_user("elin@example.org", role=Role.EDITOR, mfa=True, first_name="Élín"),
        admin=make_user("admin@example.org", mfa=True, is_staff=True, is_superuser=True, first_name="Ádmín"),
    )
    enquiry = helpline_services.enquiry_ask(
        question="Cán Í táké áléndrónáté whílé bréástféédíng?",
        topics=[Topic.BREASTFEEDING],
        name="Ánwén",
        email=samples.mother.email,
        user=samples.mother,
    )
    peer_request = make_request(samples.mother, about="Í bróké twó vértébráé áftér bírth.")
    # A second woman's request, waiting in the nurses' queue for a volunteer to be proposed.
    make_request(first_name="Cárýs", contact_email="carys@example.org", about="Mý híp bróké.")
    volunteer_profile = make_volunteer(samples.volunteer)
    proposed = peers_services.introduction_propose(
        by=samples.nurse, peer_request=peer_request, volunteer=volunteer_profile
    )
    introduction = peers_services.introduction_accept(by=samples.volunteer, introduction=proposed)
    # Accented like everything typed, which the screening reads as another language and flags for a nurse:
    # the nurses' pages have a task and a message to look at too.
    peers_conversations.message_send(
        by=samples.mother, introduction=introduction, body="Hélló Mégán, hów lóng díd yóúr báck húrt?"
    )
    samples.records.update(
        enquiry=enquiry, peer_request=peer_request, volunteer_profile=volunteer_profile, introduction=introduction
    )
    return samples
