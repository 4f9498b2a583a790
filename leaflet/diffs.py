"""What changed between two versions of clinical text, down to the words: for review and history.

Paragraphs (lines) are matched first. A paragraph that was edited rather than
replaced is shown once, with the words taken out and put in marked inside it, so a
one-word change to clinical text ("twice" for "once") stands out before anyone
approves it. A paragraph rewritten beyond recognition is shown removed, then added.

The result is data, not HTML: the template escapes every piece of text.
"""

import difflib
import re
from dataclasses import dataclass, field

SAME, ADDED, REMOVED, CHANGED = "same", "added", "removed", "changed"
# Below this share of words in common, an edited paragraph reads better as removed and added whole.
SIMILAR_ENOUGH = 0.5
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Line:
    kind: str  # SAME, ADDED, REMOVED or CHANGED
    text: str = ""  # the whole line, for SAME, ADDED and REMOVED
    parts: list[tuple[str, str]] = field(default_factory=list)  # CHANGED: (SAME | ADDED | REMOVED, text)


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _word_changes(old: str, new: str) -> list[tuple[str, str]] | None:
    """The line's words as (kind, text) parts, or None when too little is left in common."""
    a, b = _words(old), _words(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < SIMILAR_ENOUGH:
        return None
    parts: list[tuple[str, str]] = []

    def put(kind: str, text: str) -> None:
        if not text:
            return
        if parts and parts[-1][0] == kind:
            parts[-1] = (kind, parts[-1][1] + text)
        else:
            parts.append((kind, text))

    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old_words, new_words = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            put(SAME, old_words)
        else:
            put(REMOVED, old_words)
            put(ADDED, new_words)
    return parts


def _replaced(old_lines: list[str], new_lines: list[str]) -> list[Line]:
    lines = []
    for index in range(max(len(old_lines), len(new_lines))):
        old = old_lines[index] if index < len(old_lines) else None
        new = new_lines[index] if index < len(new_lines) else None
        parts = _word_changes(old, new) if old is not None and new is not None else None
        if parts is not None:
            lines.append(Line(CHANGED, parts=parts))
            continue
        if old is not None:
            lines.append(Line(REMOVED, old))
        if new is not None:
            lines.append(Line(ADDED, new))
    return lines


def changes(old: str, new: str) -> list[Line]:
    """Every line of `new` against `old`: the same, added, removed, or changed with its words marked."""
    old_lines, new_lines = (old or "").splitlines(), (new or "").splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    lines: list[Line] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines += [Line(SAME, text) for text in old_lines[i1:i2]]
        elif op == "delete":
            lines += [Line(REMOVED, text) for text in old_lines[i1:i2]]
        elif op == "insert":
            lines += [Line(ADDED, text) for text in new_lines[j1:j2]]
        else:
            lines += _replaced(old_lines[i1:i2], new_lines[j1:j2])
    return lines
