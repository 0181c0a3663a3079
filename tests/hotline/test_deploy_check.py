import os
import subprocess
import sys

PRODUCTION_ENV = {
    "HOTLINE_ENV": "production",
    "HOTLINE_SECRET_KEY": "p" * 20 + "-not-a-real-secret-but-long-enough-" + "q" * 20,
    "HOTLINE_ALLOWED_HOSTS": "hotline.example.go.th",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "HOTLINE_CACHE_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HOTLINE_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    keys = tmp_path / "keys.json"
    env = PRODUCTION_ENV | {"HOTLINE_KEYS_FILE": str(keys), "HOTLINE_VAR_DIR": str(tmp_path)}
    assert manage("keys_create", env=env).returncode == 0  # runs without a key file to check
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key(tmp_path):
    env = PRODUCTION_ENV | {"HOTLINE_SECRET_KEY": "", "HOTLINE_VAR_DIR": str(tmp_path)}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "HOTLINE_SECRET_KEY" in result.stderr


def test_production_never_generates_keys(tmp_path):
    env = PRODUCTION_ENV | {
        "HOTLINE_KEYS_FILE": str(tmp_path / "missing.json"),
        "HOTLINE_VAR_DIR": str(tmp_path),
    }
    result = manage("audit_checkpoint", "--public-key", env=env)
    assert result.returncode != 0
    assert "no key file" in result.stderr
    assert not (tmp_path / "missing.json").exists()
