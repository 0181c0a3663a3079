from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from cases.management.commands.workflow_diagram import diagrams


def test_the_committed_diagrams_match_the_code():
    docs = Path(settings.BASE_DIR) / "docs"
    for name, text in diagrams().items():
        committed = (docs / name).read_text()
        assert committed == text, f"run `python manage.py workflow_diagram` to redraw {name}"


def test_each_transition_is_drawn_from_every_source(tmp_path):
    call_command("workflow_diagram", out=tmp_path)
    report = (tmp_path / "workflow-report.dot").read_text()
    question = (tmp_path / "workflow-question.dot").read_text()
    for source in ("closed", "rejected", "referred"):
        assert f'{source} -> assessment [label="reopen' in report
    assert "follow_up" in question and "follow_up" not in report
    assert "acknowledge" not in question
