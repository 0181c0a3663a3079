"""A database made the way an operator's is (migrate, seed_demo, a checkpoint), in other
processes with their own key file and var/, and the commands run against it."""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pyrage

ROOT = Path(__file__).resolve().parents[2]
KIT_PASSPHRASE = "demo-recovery-kit-2569"
SENTINEL = "ฮั้วประมูลซ่อมถนนหมู่ 4"  # a demo report's title, written by its reporter
PLAIN_IN_DB = "Nakhon Nayok Province"  # an organisation's name, stored in plaintext


@dataclass
class Site:
    root: Path
    recipient: str
    identity: Path

    @property
    def var(self) -> Path:
        return self.root / "var"

    def env(self, database_url: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOTLINE_")}
        return env | {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "HOTLINE_VAR_DIR": str(self.var),
            "HOTLINE_KEYS_FILE": str(self.var / "keys.json"),
            "HOTLINE_MEDIA_ROOT": str(self.root / "media"),
            "HOTLINE_BACKUP_RECIPIENTS": self.recipient,
        }

    def manage(self, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(database_url),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def ok(self, database_url: str, *args: str) -> str:
        result = self.manage(database_url, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def populate(self, database_url: str) -> None:
        self.ok(database_url, "migrate", "-v0")
        self.ok(database_url, "seed_demo")
        self.ok(database_url, "audit_checkpoint")

    def restore_args(self, backup: Path, *, kit: bool = True) -> list[str]:
        args = ["restore", str(backup), "--identity", str(self.identity)]
        if kit:
            passphrase = self.root / "passphrase"
            passphrase.write_text(KIT_PASSPHRASE + "\n")
            kit_file = self.var / "demo-recovery-kit-M260101.json"
            args += ["--kit", str(kit_file), "--passphrase-file", str(passphrase)]
        return args


def site(root: Path) -> Site:
    identity = pyrage.x25519.Identity.generate()
    path = root / "backup-identity.txt"
    path.write_text(f"# an operator's age identity\n{identity}\n")
    return Site(root=root, recipient=str(identity.to_public()), identity=path)


def site_copy(template: Site, root: Path) -> Site:
    """Another operator's site with the template's key file, kits and SQLite database."""
    shutil.copytree(template.root, root, dirs_exist_ok=True)
    return Site(root=root, recipient=template.recipient, identity=root / template.identity.name)
