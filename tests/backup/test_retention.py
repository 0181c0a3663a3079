"""Backups older than HOTLINE_BACKUP_RETENTION_DAYS are flagged: they still hold cases
purged since they were made (README "Backup and restore")."""

import os
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _backup(directory, name, days_old):
    path = directory / name
    path.write_bytes(b"age-encryption.org/v1\n")
    made = time.time() - days_old * 86400
    os.utime(path, (made, made))
    return path


def test_only_backups_past_retention_are_flagged(tmp_path, settings, capsys):
    settings.HOTLINE_BACKUP_RETENTION_DAYS = 30
    _backup(tmp_path, "old.age", 31)
    _backup(tmp_path, "new.age", 29)

    with pytest.raises(CommandError, match="1 backup\\(s\\) older than 30 days"):
        call_command("backup", "--list", str(tmp_path))

    lines = capsys.readouterr().out.splitlines()
    assert [("old.age" in line, "EXPIRED" in line) for line in lines] == [
        (True, True),
        (False, False),
    ]


def test_a_directory_of_fresh_backups_passes(tmp_path, settings, capsys):
    settings.HOTLINE_BACKUP_RETENTION_DAYS = 30
    _backup(tmp_path, "new.age", 1)
    call_command("backup", "--list", str(tmp_path))
    assert "EXPIRED" not in capsys.readouterr().out
