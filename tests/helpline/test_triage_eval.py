"""manage.py triage_eval FILE: the figures an operator reads before changing the triage's rules."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .safety_messages import MESSAGES


def _write(path, messages):
    path.write_text(
        "# labelled messages\n"
        + "\n".join(json.dumps({"text": t, "topics": topics, "expected": label}) for t, topics, label in messages)
        + "\n",
        encoding="utf-8",
    )
    return path


def test_it_reports_sensitivity_and_false_alarms_per_label_on_our_set(tmp_path, capsys):
    call_command("triage_eval", str(_write(tmp_path / "set.jsonl", MESSAGES)))

    out = capsys.readouterr().out
    assert f"Safety triage on {len(MESSAGES)} messages" in out
    for label in ("emergency", "crisis", "urgent", "safeguarding", "other_language", "routine"):
        line = next(row for row in out.splitlines() if row.strip().startswith(label))
        assert "%" in line
    assert "emergency" in out and "100.0%" in out
    assert "Every emergency, crisis and safeguarding message caught" in out


def test_a_missed_emergency_fails_the_command_and_names_the_message(tmp_path, capsys):
    path = _write(
        tmp_path / "bad.jsonl",
        [("Can I take vitamin D with my calcium?", [], "emergency"), ("What is a DEXA scan?", [], "routine")],
    )
    with pytest.raises(CommandError, match="Below target: emergency"):
        call_command("triage_eval", str(path), "--show-missed")
    assert "missed: Can I take vitamin D with my calcium?" in capsys.readouterr().out


def test_a_badly_written_file_is_refused_with_its_line_number(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text('{"text": "hello", "expected": "emergency"}\n{"text": "no label"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("triage_eval", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("triage_eval", str(tmp_path / "missing.jsonl"))
