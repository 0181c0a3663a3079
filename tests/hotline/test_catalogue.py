import re
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/th/LC_MESSAGES/django.po")


def msgids(root: Path) -> dict[str, str]:
    with open(root / CATALOGUE, "rb") as f:
        catalogue = read_po(f, locale="th")
    assert not [m.id for m in catalogue if m.id and m.fuzzy], "fuzzy translations"
    return {str(m.id): str(m.string) for m in catalogue if m.id}


def test_every_string_has_a_thai_translation():
    untranslated = [msgid for msgid, text in msgids(ROOT).items() if not text.strip()]
    assert untranslated == []


def test_the_catalogue_holds_every_string_in_the_code(tmp_path):
    # makemessages needs GNU xgettext, which .ci/run installs; a copy keeps the tree untouched.
    assert shutil.which("xgettext"), "install GNU gettext to check the catalogue"
    copy = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "tests", "bench", "*.mo"),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale",
            "th",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "HOTLINE_VAR_DIR": str(tmp_path / "var")},
    )
    missing = set(msgids(copy)) - {k for k, v in msgids(ROOT).items() if v}
    assert missing == set(), "run `make makemessages` and translate the new strings"


def test_no_translation_function_hides_behind_an_alias():
    # xgettext extracts `_`, `gettext_lazy`, `pgettext`… by name: `gettext_lazy as _lazy` is
    # never extracted, so its strings drop out of the catalogue at the next makemessages.
    alias = re.compile(r"import .*\b(?:n|p|np)?gettext(?:_lazy|_noop)? as (?!_\b)\w+")
    offenders = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in ROOT.glob("[!.]*/**/*.py")
        if not {".venv", "var", "tests", "bench"} & set(path.relative_to(ROOT).parts)
        for line in path.read_text().splitlines()
        if alias.search(line)
    ]
    assert offenders == []
