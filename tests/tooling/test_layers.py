"""The import-linter contracts in pyproject.toml hold, and break when a layer imports upwards."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "hotline", "counselors", "indicators", "cases", "audit", "core")
LINT = str(Path(sys.executable).with_name("lint-imports"))


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT, "--no-cache"], cwd=tree, capture_output=True, text=True, check=False
    )


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return tree


def test_the_layers_hold():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_build(tmp_path):
    tree = _copy(tmp_path)
    with open(tree / "core" / "lib" / "dates.py", "a") as f:
        f.write("\nimport cases.models  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "core.lib.dates -> cases.models" in result.stdout


def test_the_two_sides_importing_each_other_breaks_the_build(tmp_path):
    tree = _copy(tmp_path)
    with open(tree / "hotline" / "forms.py", "a") as f:
        f.write("\nimport counselors.inbox  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "never import each other BROKEN" in " ".join(result.stdout.split())


def test_cryptography_outside_the_crypto_module_breaks_the_build(tmp_path):
    tree = _copy(tmp_path)
    with open(tree / "cases" / "receipts.py", "a") as f:
        f.write("\nimport cryptography.hazmat.primitives.hashes  # noqa\n")
    result = _lint(tree)
    assert result.returncode != 0
    assert "cases.receipts -> cryptography" in result.stdout
