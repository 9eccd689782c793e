"""Profiles and settings in `config.toml`; read with tomllib, written by a small writer.

The file never holds a secret: API keys live in `optui.secrets`. Precedence when optui starts:
command-line flags, then the environment (`OPENPROJECT_URL`, `OPENPROJECT_API_KEY`), then the
profile, then defaults.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from optui import paths

AUTH_KINDS = ("basic", "bearer")
PROFILE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class ConfigError(Exception):
    """The config file cannot be read or holds an invalid value; the message says where."""


@dataclass(frozen=True)
class Profile:
    """How to reach one OpenProject instance."""

    name: str
    url: str
    auth: str = "basic"
    verify_tls: bool = True
    ca_bundle: str | None = None
    default_project: str | None = None
    theme: str | None = None
    refresh_seconds: int = 60
    """How often the list or board on screen reloads itself."""
    notifications_seconds: int = 60
    """How often the unread notification count is asked for (4x slower when idle or offline)."""
    timer_rounding_minutes: int = 1
    """A stopped timer's time is rounded up to this many minutes (1: to the nearest minute)."""


@dataclass
class Config:
    default_profile: str | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> key, to remap keys."""

    def profile(self, name: str | None) -> Profile | None:
        wanted = name or self.default_profile
        if wanted is None and len(self.profiles) == 1:
            return next(iter(self.profiles.values()))
        return self.profiles.get(wanted) if wanted else None

    def with_profile(self, profile: Profile, *, make_default: bool = False) -> Config:
        profiles = {**self.profiles, profile.name: profile}
        default = profile.name if make_default or not self.default_profile else self.default_profile
        return Config(default_profile=default, profiles=profiles, keys=dict(self.keys))

    def without_profile(self, name: str) -> Config:
        profiles = {k: v for k, v in self.profiles.items() if k != name}
        default = self.default_profile if self.default_profile != name else None
        return Config(default_profile=default, profiles=profiles, keys=dict(self.keys))


def config_path() -> Path:
    return paths.config_dir() / "config.toml"


def check_profile_name(name: str) -> str:
    if not PROFILE_NAME.match(name):
        raise ConfigError(
            f"invalid profile name {name!r}: use letters, digits, '.', '-' or '_' (at most 64)"
        )
    return name


def _profile_from(name: str, table: Any, where: Path) -> Profile:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [profiles.{name}] must be a table")
    known = {f.name for f in fields(Profile)} - {"name"}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            continue  # tolerate settings of newer versions
        values[key] = value
    if not isinstance(values.get("url"), str):
        raise ConfigError(f'{where}: [profiles.{name}] needs url = "https://…"')
    if values.get("auth", "basic") not in AUTH_KINDS:
        raise ConfigError(f"{where}: [profiles.{name}] auth must be one of {', '.join(AUTH_KINDS)}")
    expected: dict[str, tuple[type, ...]] = {
        "verify_tls": (bool,),
        "refresh_seconds": (int,),
        "notifications_seconds": (int,),
        "timer_rounding_minutes": (int,),
        "ca_bundle": (str,),
        "default_project": (str,),
        "theme": (str,),
        "auth": (str,),
    }
    for key, kinds in expected.items():
        if key in values and not isinstance(values[key], kinds):
            raise ConfigError(f"{where}: [profiles.{name}] {key} has the wrong type")
    return Profile(name=name, **values)


def load(path: Path | None = None) -> Config:
    """The config file, or an empty config when there is none."""
    where = path or config_path()
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        return Config()
    except OSError as error:
        raise ConfigError(f"cannot read {where}: {error.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{where} is not valid TOML: {error}") from None
    profiles_table = data.get("profiles", {})
    if not isinstance(profiles_table, dict):
        raise ConfigError(f"{where}: [profiles] must be a table")
    profiles = {name: _profile_from(name, table, where) for name, table in profiles_table.items()}
    keys = data.get("keys", {})
    default = data.get("default_profile")
    return Config(
        default_profile=default if isinstance(default, str) else None,
        profiles=profiles,
        keys={str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {},
    )


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(c if c >= " " or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _toml_string(str(value))


def dumps(config: Config) -> str:
    lines: list[str] = []
    if config.default_profile:
        lines.append(f"default_profile = {_toml_string(config.default_profile)}")
    for name, profile in sorted(config.profiles.items()):
        lines += ["", f"[profiles.{_toml_string(name)}]"]
        defaults = Profile(name=name, url="")
        for item in fields(Profile):
            if item.name == "name":
                continue
            value = getattr(profile, item.name)
            if value is None or (item.name != "url" and value == getattr(defaults, item.name)):
                continue
            lines.append(f"{item.name} = {_toml_value(value)}")
    if config.keys:
        lines += ["", "[keys]"]
        lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in sorted(config.keys.items())]
    return "\n".join(lines).lstrip("\n") + "\n"


def save(config: Config, path: Path | None = None) -> Path:
    """Write atomically (temp file + rename); the directory is created 0700."""
    where = path or config_path()
    where.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = where.with_suffix(".toml.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(dumps(config))
    os.replace(temporary, where)
    return where


def resolve(
    config: Config, *, profile_name: str | None, url: str | None, env: dict[str, str]
) -> Profile | None:
    """The profile to use after flags and environment: None when nothing says where to go."""
    profile = config.profile(profile_name)
    if profile_name and profile is None and not url:
        raise ConfigError(f"no profile named {profile_name!r} in {config_path()}")
    chosen_url = url or env.get("OPENPROJECT_URL")
    if chosen_url:
        if profile is None:
            return Profile(name=profile_name or "default", url=chosen_url)
        return replace(profile, url=chosen_url)
    return profile


def replace_connection(existing: Profile, new: Profile) -> Profile:
    """`existing` with the connection settings (url, auth, TLS) of `new`; the rest is kept."""
    return replace(
        existing, url=new.url, auth=new.auth, verify_tls=new.verify_tls, ca_bundle=new.ca_bundle
    )
