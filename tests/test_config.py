"""Profiles in config.toml, secrets in the keyring or a 0600 file, and `optui login/logout`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from optui import config, paths, secrets
from optui.demo import DemoServer
from tests.conftest import MemoryKeyring


def test_config_round_trip(tmp_path: Path) -> None:
    original = (
        config.Config()
        .with_profile(
            config.Profile(
                name="work",
                url="https://op.example.com",
                auth="bearer",
                verify_tls=False,
                default_project="demo-project",
                refresh_seconds=30,
            )
        )
        .with_profile(config.Profile(name='home "x"', url="http://localhost:8080"))
    )
    original.keys["board.move-right"] = "L"
    path = config.save(original, tmp_path / "config.toml")
    loaded = config.load(path)
    assert loaded == original
    assert loaded.default_profile == "work"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_invalid_config_says_where(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[profiles.work]\nauth = 'magic'\nurl = 'https://x'\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"\[profiles.work\] auth must be one of"):
        config.load(path)
    path.write_text("not = [toml", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="is not valid TOML"):
        config.load(path)


def test_flags_then_environment_then_profile() -> None:
    settings = config.Config().with_profile(config.Profile(name="work", url="https://a"))
    assert (
        config.resolve(settings, profile_name=None, url=None, env={}) == settings.profiles["work"]
    )
    from_env = config.resolve(
        settings, profile_name=None, url=None, env={"OPENPROJECT_URL": "https://b"}
    )
    assert from_env is not None and from_env.url == "https://b" and from_env.name == "work"
    from_flag = config.resolve(
        settings, profile_name=None, url="https://c", env={"OPENPROJECT_URL": "https://b"}
    )
    assert from_flag is not None and from_flag.url == "https://c"
    with pytest.raises(config.ConfigError, match="no profile named 'nope'"):
        config.resolve(settings, profile_name="nope", url=None, env={})


def test_keys_go_to_the_keyring_when_one_works(memory_keyring: MemoryKeyring) -> None:
    stored = secrets.set_key("work", "opapi-abcdef")
    assert not stored.fallback
    assert memory_keyring.passwords[("optui", "work")] == "opapi-abcdef"
    assert secrets.get_key("work") == "opapi-abcdef"
    assert not secrets.secrets_file().exists()
    assert secrets.delete_key("work")
    assert secrets.get_key("work") is None


def test_without_a_keyring_keys_go_to_a_0600_file() -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # keyring is untyped
    stored = secrets.set_key("work", "opapi-123456")
    assert stored.fallback and stored.where == str(secrets.secrets_file())
    assert stat.S_IMODE(secrets.secrets_file().stat().st_mode) == 0o600
    assert secrets.get_key("work") == "opapi-123456"
    os.chmod(secrets.secrets_file(), 0o644)
    assert secrets.get_key("work") == "opapi-123456"
    assert stat.S_IMODE(secrets.secrets_file().stat().st_mode) == 0o600  # repaired
    assert secrets.delete_key("work")
    assert secrets.get_key("work") is None


def test_redact_hides_known_keys() -> None:
    secrets.remember("opapi-topsecret")
    text = secrets.redact("GET failed with opapi-topsecret; Authorization: Basic YXBpa2V5Ong=")
    assert "topsecret" not in text and "YXBpa2V5Ong" not in text


def login(demo: DemoServer, key: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "optui", "login", "--url", demo.url, "--profile", "local", *extra],
        input=key + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )


def files_containing(text: str) -> list[Path]:
    roots = [paths.config_dir(), paths.data_dir(), paths.cache_dir(), paths.state_dir()]
    found = []
    for root in roots:
        for path in root.rglob("*") if root.exists() else []:
            if path.is_file() and text.encode() in path.read_bytes():
                found.append(path)
    return found


def test_login_verifies_stores_and_logout_forgets(demo: DemoServer) -> None:
    run = login(demo, demo.api_key)
    assert run.returncode == 0, run.stderr
    assert "Logged in to" in run.stdout and "as Demo User (profile 'local')" in run.stdout
    # a subprocess has no keyring backend here: the key goes to the 0600 file, and only there
    assert "No usable system keyring" in run.stdout
    assert files_containing(demo.api_key) == [secrets.secrets_file()]
    assert demo.api_key not in run.stdout + run.stderr
    saved = config.load()
    assert saved.profiles["local"].url == demo.url
    out = subprocess.run(
        [sys.executable, "-m", "optui", "logout", "--profile", "local"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0 and "Removed the API key" in out.stdout
    assert files_containing(demo.api_key) == []


def test_login_with_a_wrong_key_stores_nothing(demo: DemoServer) -> None:
    run = login(demo, "wrong-key-0000")
    assert run.returncode == 1
    assert "did not accept this API key" in run.stderr
    assert "Traceback" not in run.stderr and "wrong-key-0000" not in run.stderr
    assert not config.config_path().exists()
    assert files_containing("wrong-key-0000") == []


def test_login_to_a_dead_server_says_so(demo: DemoServer) -> None:
    demo.stop()
    run = login(demo, demo.api_key)
    assert run.returncode == 1
    assert "could not verify the key: Cannot reach the server" in run.stderr
