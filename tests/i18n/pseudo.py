"""A pseudo-locale for the tests: every marked string, changed so that an unmarked one stands out.

`build(folder)` extracts the project's strings the way `make messages` does, adds the
strings of Django's and the installed apps' own catalogues (allauth's, the admin's), and
writes a catalogue for PSEUDO_LANGUAGE in which each translation is its English with the
vowels accented and the whole wrapped in ⟦ ⟧: "Ask a nurse" becomes "⟦Ásk á núrsé⟧".
Placeholders (%(name)s, %s, {name}), HTML tags and entities are kept as they are, so every
page still renders. A page shown in this language that still has a plain English word
outside ⟦ ⟧ shows a string nobody marked for translation.
"""

import re
from pathlib import Path

import polib
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.commands import makemessages
from django.test import override_settings

PSEUDO_LANGUAGE = "en-xa"
PSEUDO_LOCALE = "en_XA"
OPEN, CLOSE = "⟦", "⟧"

_ACCENTED = str.maketrans("aeiouyAEIOUY", "áéíóúýÁÉÍÓÚÝ")
# Kept as they are: HTML tags and entities, printf and format placeholders.
_KEEP = re.compile(r"<[^>]*>|&[#\w]+;|%\(\w+\)[sdif]|%[sdif%]|\{[\w.]*\}")
# What `make messages` leaves out (Makefile).
IGNORED = [".venv/*", ".tools/*", "var/*", "staticfiles/*", "bench/*", "tests/*", "node_modules/*"]


def pseudo(text: str) -> str:
    if not text:
        return text
    parts, last = [], 0
    for kept in _KEEP.finditer(text):
        parts.append(text[last : kept.start()].translate(_ACCENTED))
        parts.append(kept.group())
        last = kept.end()
    parts.append(text[last:].translate(_ACCENTED))
    return OPEN + "".join(parts) + CLOSE


class _Extract(makemessages.Command):
    """`makemessages`, writing every file's strings to the first of LOCALE_PATHS (never the project's locale/)."""

    def find_files(self, root):
        files = super().find_files(root)
        for file in files:
            file.locale_dir = self.default_locale_path
        return files


def _own_catalogue(folder: Path) -> polib.POFile:
    with override_settings(LOCALE_PATHS=[folder]):
        call_command(_Extract(), locale=[PSEUDO_LOCALE], ignore_patterns=IGNORED, verbosity=0, no_obsolete=True)
    return polib.pofile(str(folder / PSEUDO_LOCALE / "LC_MESSAGES" / "django.po"))


def _installed_catalogues() -> list[Path]:
    import django

    folders = [Path(django.__file__).parent / "conf" / "locale"]
    folders += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    return [path for folder in folders if (path := folder / "en" / "LC_MESSAGES" / "django.po").exists()]


def build(folder: Path) -> Path:
    """Write and compile the pseudo catalogue under `folder` (a LOCALE_PATHS entry); returns the .po file."""
    catalogue = _own_catalogue(folder)
    seen = {(entry.msgctxt, entry.msgid) for entry in catalogue}
    for path in _installed_catalogues():
        for entry in polib.pofile(str(path)):
            if (entry.msgctxt, entry.msgid) not in seen and not entry.obsolete:
                seen.add((entry.msgctxt, entry.msgid))
                catalogue.append(entry)
    catalogue.metadata.update(
        {
            "Language": PSEUDO_LOCALE,
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
            "Content-Type": "text/plain; charset=UTF-8",
        }
    )
    for entry in catalogue:
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: pseudo(entry.msgid), 1: pseudo(entry.msgid_plural)}
        else:
            entry.msgstr = pseudo(entry.msgid)
    po_path = folder / PSEUDO_LOCALE / "LC_MESSAGES" / "django.po"
    catalogue.save(str(po_path))
    catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
    return po_path


def pseudo_settings(folder: Path) -> dict:
    """Settings under which the pseudo-locale is a language the portal offers."""
    return {
        "LANGUAGES": [*settings.LANGUAGES, (PSEUDO_LANGUAGE, pseudo("Pseudo"))],
        "LOCALE_PATHS": [folder, *settings.LOCALE_PATHS],
    }


_WRAPPED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]+")
# Addresses are data, not words: email addresses, web addresses, host names.
_ADDRESS = re.compile(r"\S+@\S+|\bhttps?://\S+|\b[\w-]+(\.[\w-]+)+\b")


def untouched_words(text: str) -> list[str]:
    """Plain English words left outside every translated string.

    Single letters and words in capitals are left aside: those are initials, acronyms
    and codes such as an enquiry's reference (HL-QGT7K), which no language translates.
    """
    while True:
        stripped = _WRAPPED.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    text = _ADDRESS.sub(" ", text)
    return [word for word in _WORD.findall(text) if len(word) > 1 and word.isascii() and not word.isupper()]
