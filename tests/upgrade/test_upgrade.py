"""Every released database upgrades: each tests/upgrade/release-*/db.sql, made by that
release's migrations, is migrated with today's and must still verify and decrypt
(docs/upgrading.md). It runs in its own SQLite file and its own processes, with fresh server
keys, so it is the same test on the SQLite and the PostgreSQL runs of the suite."""

import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from core.keyring import new_keyfile, write_keyfile

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RELEASES = sorted(HERE.glob("release-*"))
# Whatever the suite runs with (tests.settings, PostgreSQL, keys in HOTLINE_KEYS) must not
# leak into the upgraded copy's processes.
UNSET = ("HOTLINE_KEYS", "HOTLINE_MEDIA_ROOT", "CELERY_BROKER_URL", "HOTLINE_CACHE_URL")


class Upgraded:
    def __init__(self, release: Path, tmp: Path) -> None:
        self.facts: dict[str, Any] = json.loads((release / "facts.json").read_text("utf-8"))
        database = sqlite3.connect(tmp / "db.sqlite3")
        database.executescript((release / "db.sql").read_text("utf-8"))
        database.close()
        for name, data in self.facts["media"].items():
            path = tmp / "media" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(base64.b64decode(data))
        # The old server keys are not kept; the old signing key's public half is (facts.json),
        # as a public-only entry: what an operator keeps of a retired signing key.
        keys, signing = new_keyfile(), self.facts["audit"]["signing_key"]
        keys["signing"].append({"kid": signing["kid"], "ed25519_public": signing["public"]})
        write_keyfile(tmp / "keys.json", keys)
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in UNSET} | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HOTLINE_ENV": "development",
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "HOTLINE_VAR_DIR": str(tmp),
            "HOTLINE_KEYS_FILE": str(tmp / "keys.json"),
        }

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


@pytest.fixture(scope="module", params=RELEASES, ids=[r.name for r in RELEASES])
def upgraded(request, tmp_path_factory) -> tuple[Upgraded, dict[str, Any]]:
    copy = Upgraded(request.param, tmp_path_factory.mktemp(request.param.name))
    migrated = copy.run("manage.py", "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    # The release's files moved into the database (cases/migrations/0004); the checks then
    # read and decrypt them with the media folder gone, as on a host that never had it.
    # (Releases after 0.2.0 keep no media folder, and their fixtures have none.)
    if copy.facts["media"]:
        assert f"moved {len(copy.facts['media'])} attachment file(s)" in migrated.stdout
    assert "MISSING" not in migrated.stderr
    shutil.rmtree(copy.tmp / "media", ignore_errors=True)
    found = copy.tmp / "found.json"
    checked = copy.run("-m", "tests.upgrade.checks", str(request.param / "facts.json"), str(found))
    assert checked.returncode == 0, checked.stderr
    return copy, json.loads(found.read_text("utf-8"))


def opened(found: dict[str, Any], name: str) -> dict[str, Any]:
    case = found["cases"][name]
    assert "error" not in case, case.get("error")
    return dict(case)


def test_there_is_a_fixture_of_the_first_release():
    assert "release-0.2.0" in [r.name for r in RELEASES]


# Django adds a content type and its permissions for every model a later release adds.
GROW_WITH_NEW_MODELS = {"auth_permission", "django_content_type"}


def test_no_row_is_lost_and_every_model_reads_its_rows(upgraded):
    copy, found = upgraded
    released = copy.facts["counts"]
    assert {t: n for t, n in found["counts"].items() if t not in GROW_WITH_NEW_MODELS} == {
        t: n for t, n in released.items() if t not in GROW_WITH_NEW_MODELS
    }
    for table in GROW_WITH_NEW_MODELS:
        assert found["counts"][table] >= released[table], table
    assert found["model_failures"] == {}


def test_the_audit_chain_verifies_to_the_released_head(upgraded):
    copy, found = upgraded
    audit = copy.facts["audit"]
    assert (found["audit"]["count"], found["audit"]["head"]) == (audit["count"], audit["head"])
    assert found["audit"]["bad_seq"] is None
    # The released checkpoint still names an event of the chain, and its signature holds
    # under the public key an auditor keeps (audit_checkpoint --public-key).
    assert found["audit"]["checkpoint"] == {
        "seq": audit["checkpoint_seq"],
        "matches_event": True,
        "signature_valid": True,
    }


def test_audit_verify_finds_the_chain_whole(upgraded):
    """The command walks the whole chain and holds it against the released checkpoint, whose
    signature it checks under the retired key's public half kept in the key file."""
    copy, _ = upgraded
    verified = copy.run("manage.py", "audit_verify")
    assert verified.returncode == 0, verified.stderr
    audit = copy.facts["audit"]
    assert verified.stdout.strip() == (
        f"audit chain OK: {audit['count']} events, head {audit['head']}"
    )


def test_the_counselor_key_still_opens_with_the_password(upgraded):
    _, found = upgraded
    assert found["staff_key_replaced"] is False


@pytest.mark.parametrize("name", ["report", "question", "phone_report", "demo_report"])
def test_each_case_opens_with_its_receipt(upgraded, name):
    copy, found = upgraded
    expected, case = copy.facts["cases"][name], opened(found, name)
    assert case["uid"] == expected["uid"]
    assert case["receipt_opens"] is True
    for field in ("title", "body"):
        if field in expected:
            assert case[field] == expected[field]


def test_the_report_decrypts_whole_for_its_counselor(upgraded):
    copy, found = upgraded
    expected, report = copy.facts["cases"]["report"], opened(found, "report")
    assert report["counselor_key"] is True  # the same case key as the receipt's
    assert set(expected["messages"]) <= set(report["messages"])
    assert [{k: a[k] for k in ("name", "content")} for a in report["attachments"]] == [
        expected["attachment"]
    ]
    assert report["identity"] == expected["identity"]
    assert report["identity_request_reasons"] == [expected["identity_request_reason"]]
    assert report["rating_comment"] == expected["rating_comment"]


def test_the_answered_question_and_its_faq_entry_remain(upgraded):
    copy, found = upgraded
    expected, question = copy.facts["cases"]["question"], opened(found, "question")
    assert question["counselor_key"] is True
    assert set(expected["messages"]) <= set(question["messages"])
    assert expected["faq_question"] in found["faq_questions"]
