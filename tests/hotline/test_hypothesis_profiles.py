"""CI runs the property tests the same way every time; `make fuzz` runs them long and random."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django
django.setup()
import tests.conftest
from hypothesis import settings
from tests.hotline.test_public_forms_fuzz import FUZZ
print(settings.get_current_profile_name(), FUZZ.derandomize, FUZZ.max_examples, FUZZ.deadline)
"""


def profile_seen(**env: str) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_PROFILE"}}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "tests.settings"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_ci_is_derandomized_and_bounded():
    name, derandomize, examples, deadline = profile_seen(CI="true")
    assert name == "ci"
    assert derandomize == "True"  # the form tests' own settings keep it
    assert int(examples) <= 100
    assert deadline == "None"


def test_the_fuzz_profile_looks_long_and_at_random():
    name, derandomize, examples, _ = profile_seen(HYPOTHESIS_PROFILE="fuzz")
    assert name == "fuzz"
    assert derandomize == "False"
    assert int(examples) >= 1000
