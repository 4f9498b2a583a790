"""The people and records the crawl (test_pseudo_crawl.py) fills its URLs from.

Everything a person would have typed (names, summaries, messages) is itself accented,
so it never counts as an unmarked English word; stored guidance is the leaflet's own
text, which pages show inside `lang="en"`.
"""

from dataclasses import dataclass, field

from portal.models import User
from portal.roles import Role
from tests.conftest import make_user


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
    return Samples(
        mother=make_user("anwen@example.org", role=Role.MOTHER, first_name="Ánwén"),
        volunteer=make_user("megan@example.org", role=Role.VOLUNTEER, first_name="Mégán"),
        nurse=make_user("nia@example.org", role=Role.NURSE, mfa=True, first_name="Níá"),
        editor=make_user("elin@example.org", role=Role.EDITOR, mfa=True, first_name="Élín"),
        admin=make_user("admin@example.org", mfa=True, is_staff=True, is_superuser=True, first_name="Ádmín"),
    )
