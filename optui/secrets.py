"""API keys: the system keyring when one works, else a secrets file with mode 0600; `redact()`.

On a headless server over SSH there is often no usable keyring backend (keyring's `fail` or
`null` backends, or a KeyringError on use); then keys go to
`user_data_dir/optui/secrets.json`, created 0600 from the start (never chmod-ed afterwards).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from optui import paths

SERVICE = "optui"
_KNOWN: set[str] = set()
_AUTH_HEADER = re.compile(r"(?i)(authorization:\s*(?:basic|bearer)\s+)\S+")


def remember(secret: str) -> None:
    """Register a secret so that `redact()` hides it from any text shown or logged."""
    if len(secret) >= 4:
        _KNOWN.add(secret)


def redact(text: str) -> str:
    """The text with every known secret and Authorization header value masked."""
    for secret in sorted(_KNOWN, key=len, reverse=True):
        text = text.replace(secret, "••••")
    return _AUTH_HEADER.sub(r"\1••••", text)


@dataclass(frozen=True)
class Stored:
    """Where a key was put, in words for the user."""

    where: str
    fallback: bool


def secrets_file() -> Path:
    return paths.data_dir() / "secrets.json"


def _keyring_usable() -> bool:
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return False
    backend = keyring.get_keyring()
    name = type(backend).__module__
    return not isinstance(backend, fail.Keyring) and not name.endswith(".null")


def _read_file(path: Path) -> dict[str, str]:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return {}
    if mode & 0o077:
        # wider than 0600: fix it before reading a secret out of it
        os.chmod(path, 0o600)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(path: Path, data: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".json.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    os.replace(temporary, path)


def get_key(profile: str) -> str | None:
    if _keyring_usable():
        import keyring
        from keyring.errors import KeyringError

        try:
            value = keyring.get_password(SERVICE, profile)
        except KeyringError:
            value = None
        if value:
            remember(value)
            return value
    value = _read_file(secrets_file()).get(profile)
    if value:
        remember(value)
    return value


def set_key(profile: str, key: str) -> Stored:
    remember(key)
    if _keyring_usable():
        import keyring
        from keyring.errors import KeyringError

        try:
            keyring.set_password(SERVICE, profile, key)
        except KeyringError:
            pass
        else:
            _delete_from_file(profile)
            return Stored("the system keyring", fallback=False)
    data = _read_file(secrets_file())
    data[profile] = key
    _write_file(secrets_file(), data)
    return Stored(str(secrets_file()), fallback=True)


def _delete_from_file(profile: str) -> bool:
    data = _read_file(secrets_file())
    if profile not in data:
        return False
    del data[profile]
    _write_file(secrets_file(), data)
    return True


def delete_key(profile: str) -> bool:
    """Remove a profile's key from every store; True if there was one."""
    removed = False
    if _keyring_usable():
        import keyring
        from keyring.errors import KeyringError, PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError, KeyringError):
            keyring.delete_password(SERVICE, profile)
            removed = True
    return _delete_from_file(profile) or removed
