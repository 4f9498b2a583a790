"""The clinical safety case stays true: every hazard names tests that exist, and rules the triage has."""

import re
from pathlib import Path

from helpline.triage import RULES

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
NODE = re.compile(r"^\s*-\s+(tests/\S+\.py)::(\w+)\s*$")


def hazards() -> dict[str, str]:
    """Each hazard's heading ("H1: An emergency is advised as routine") and its text."""
    parts = re.split(r"^## (H\d+: .+)$", LOG.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _tests_named(text: str) -> list[tuple[str, str]]:
    return [m.groups() for line in text.splitlines() if (m := NODE.match(line))]


def test_the_log_lists_hazards_each_with_a_cause_controls_and_residual_risk():
    found = hazards()
    assert len(found) >= 10
    for heading, text in found.items():
        for part in ("**Cause:**", "**Controls:**", "**Tests:**", "**Residual risk:**"):
            assert part in text, f"{heading}: no {part}"


def test_every_hazard_names_at_least_one_test_and_every_named_test_exists():
    for heading, text in hazards().items():
        named = _tests_named(text)
        assert named, f"{heading} names no test"
        for path, name in named:
            source = ROOT / path
            assert source.is_file(), f"{heading}: {path} does not exist"
            assert re.search(rf"^def {name}\(", source.read_text(encoding="utf-8"), re.MULTILINE), (
                f"{heading}: {path}::{name} does not exist"
            )


def test_every_rule_a_hazard_names_is_one_the_triage_has():
    reasons = {rule.reason for rule in RULES}
    for heading, text in hazards().items():
        line = next((row for row in text.splitlines() if row.startswith("- **Rules:**")), None)
        if line is None:
            continue
        block = text[text.index(line) :].split("- **Tests:**")[0]
        named = " ".join(block.replace("- **Rules:**", "").split())
        for reason in (r.strip() for r in named.split(";")):
            assert reason in reasons, f"{heading}: no rule {reason!r}"
