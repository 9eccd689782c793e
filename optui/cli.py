"""The `optui` command: picks the instance (or starts the demo), builds services, runs the app.

Start-up problems end with one clear line on stderr and a non-zero exit code, never a
traceback. Textual is imported only when the app really runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from optui import __version__

EXIT_FAILURE = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A start-up problem with a message for stderr."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _add_tls_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="do not verify the server's TLS certificate (shown as a warning in the app)",
    )
    parser.add_argument("--ca-bundle", type=Path, help="CA certificates to verify the server with")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="optui",
        description="A terminal UI for OpenProject (REST API v3).",
        epilog="Environment: OPENPROJECT_URL (like --url) and OPENPROJECT_API_KEY.",
    )
    parser.add_argument("--version", action="version", version=f"optui {__version__}")
    parser.add_argument("--url", help="OpenProject instance to connect to (or OPENPROJECT_URL)")
    parser.add_argument("--profile", help="named profile from the config file (see optui login)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the embedded demo server (no instance or network needed) and open it",
    )
    parser.add_argument(
        "--demo-reset",
        action="store_true",
        help="with --demo: throw away the demo's changes and start from fresh seed data",
    )
    _add_tls_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    server = sub.add_parser(
        "demo-server",
        help="run the demo server alone (for other clients, curl and tests)",
        description="Run the OpenProject-compatible demo server in the foreground. The first "
        "line on stdout holds its base URL; the API key follows.",
    )
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    server.add_argument("--api-key", help="API key to accept (default: generated once, stored)")
    server.add_argument("--data", type=Path, help="data directory (default: the user data dir)")
    server.add_argument(
        "--seed-size",
        choices=("normal", "large", "hostile"),  # optui.demo.seed.SIZES, not imported at start
        default="normal",
        help="seed data for a new data directory (large: 10,000 more work packages; hostile: "
        "a project of adversarial text)",
    )
    server.add_argument("--reset", action="store_true", help="start from fresh seed data")
    # for `optui --demo`, which runs the server as its child: serve the socket the parent
    # bound, and stop when the parent closes our stdin
    server.add_argument("--listen-fd", type=int, help=argparse.SUPPRESS)
    server.add_argument("--exit-with-stdin", action="store_true", help=argparse.SUPPRESS)
    faults = server.add_argument_group("faults (for trying clients on a bad network)")
    faults.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="added before every answer"
    )
    faults.add_argument(
        "--error-rate",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="share of requests (0 to 1) answered with a proxy's HTML error page",
    )
    faults.add_argument(
        "--error-statuses",
        default="500,502,503,504",
        metavar="LIST",
        help="the statuses of those pages (default 500,502,503,504)",
    )
    faults.add_argument(
        "--rate-limit", type=int, default=0, metavar="N", help="the first N requests get 429"
    )
    faults.add_argument(
        "--drop", type=int, default=0, metavar="N", help="drop the connection of the first N"
    )
    faults.add_argument("--hang", action="store_true", help="never answer (requests hang)")
    login = sub.add_parser(
        "login",
        help="store an API key for an instance (asked without echo, or read from stdin)",
        description="Verify an API key with the server and store it in the system keyring (or, "
        "where none works, in a 0600 secrets file). The key is never written to the config.",
    )
    login.add_argument("--url", dest="login_url", help="the instance (default: the profile's)")
    login.add_argument("--profile", dest="login_profile", help="profile name (default: the host)")
    login.add_argument("--bearer", action="store_true", help="send the key as a Bearer token")
    _add_tls_options(login)
    logout = sub.add_parser("logout", help="forget the stored API key of a profile")
    logout.add_argument("--profile", dest="logout_profile", help="profile (default: the default)")
    return parser


def _run_demo_server(args: argparse.Namespace) -> int:
    from optui import paths
    from optui.demo import serve_foreground

    data = args.data or paths.demo_data_dir()
    faults = None
    if args.latency or args.error_rate or args.rate_limit or args.drop or args.hang:
        from optui.demo.faults import Faults

        try:
            statuses = tuple(int(s) for s in args.error_statuses.split(",") if s.strip())
        except ValueError:
            raise CliError(
                f"--error-statuses: not a list of numbers: {args.error_statuses!r}"
            ) from None
        if not 0 <= args.error_rate <= 1 or args.latency < 0:
            raise CliError("--error-rate is a share from 0 to 1; --latency is not negative")
        faults = Faults(
            latency=args.latency,
            error_rate=args.error_rate,
            error_statuses=statuses or (502,),
            rate_limit=args.rate_limit,
            drop_next=args.drop,
            hang=args.hang,
        )
    sock = None
    if args.listen_fd is not None:
        import socket

        try:
            sock = socket.socket(fileno=args.listen_fd)
        except OSError as error:
            raise CliError(f"--listen-fd {args.listen_fd}: {error.strerror}") from None
    try:
        serve_foreground(
            data,
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            seed_size=args.seed_size,
            reset=args.reset,
            faults=faults,
            sock=sock,
            exit_with_stdin=args.exit_with_stdin,
        )
    except OSError as error:
        raise CliError(f"cannot serve on {args.host}:{args.port}: {error.strerror}") from None
    except KeyboardInterrupt:
        pass
    return 0


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CliError(
            f"not an http(s) URL: {url!r} (expected e.g. https://openproject.example.com)"
        )
    return url.rstrip("/")


def _verify(args: argparse.Namespace) -> bool | str:
    if getattr(args, "ca_bundle", None):
        if not args.ca_bundle.is_file():
            raise CliError(f"CA bundle not found: {args.ca_bundle}")
        return str(args.ca_bundle)
    return not getattr(args, "insecure", False)


def _read_key(prompt: str) -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.strip()


def _login(args: argparse.Namespace) -> int:
    from optui import config, secrets
    from optui.api import ApiError, Credentials, OpenProjectClient, Unauthenticated, User

    try:
        settings = config.load()
    except config.ConfigError as error:
        raise CliError(str(error)) from None
    existing = settings.profile(args.login_profile) if args.login_profile else None
    raw_url = (
        args.login_url or (existing.url if existing else None) or os.environ.get("OPENPROJECT_URL")
    )
    if not raw_url:
        if not sys.stdin.isatty():
            raise CliError("give the instance with --url URL")
        raw_url = input("OpenProject URL: ").strip()
    url = _check_url(raw_url)
    try:
        name = config.check_profile_name(args.login_profile or urlsplit(url).hostname or "default")
    except config.ConfigError as error:
        raise CliError(str(error)) from None
    key = _read_key(f"API key for {url} (input hidden): ")
    if not key:
        raise CliError("no API key given")
    secrets.remember(key)
    scheme = "bearer" if args.bearer else "basic"
    verify = _verify(args)

    async def who_am_i() -> User:
        async with OpenProjectClient(url, Credentials(key, scheme), verify=verify) as client:
            return User.from_hal(await client.get("/api/v3/users/me"))

    try:
        user = asyncio.run(who_am_i())
    except Unauthenticated:
        raise CliError(
            f"{url} did not accept this API key; nothing was stored", EXIT_FAILURE
        ) from None
    except ApiError as error:
        raise CliError(
            f"could not verify the key: {secrets.redact(str(error))}", EXIT_FAILURE
        ) from None
    profile = config.Profile(
        name=name,
        url=url,
        auth=scheme,
        verify_tls=verify is not False,
        ca_bundle=str(args.ca_bundle) if args.ca_bundle else None,
    )
    if existing is not None:
        profile = config.replace_connection(existing, profile)
    config.save(settings.with_profile(profile))
    stored = secrets.set_key(name, key)
    print(f"Logged in to {url} as {user.name} (profile '{name}').")
    if stored.fallback:
        print(f"No usable system keyring was found: the key is in {stored.where} (mode 0600).")
    else:
        print(f"The key is stored in {stored.where}.")
    return 0


def _logout(args: argparse.Namespace) -> int:
    from optui import config, secrets

    try:
        settings = config.load()
    except config.ConfigError as error:
        raise CliError(str(error)) from None
    profile = settings.profile(args.logout_profile)
    name = profile.name if profile else args.logout_profile
    if not name:
        raise CliError("which profile? use --profile NAME")
    if secrets.delete_key(name):
        print(f"Removed the API key of profile '{name}'.")
    else:
        print(f"Profile '{name}' had no stored API key.")
    return 0


def _run_app(args: argparse.Namespace) -> int:
    from optui import config, secrets
    from optui.connect import AppConnector, make_services

    server = None
    warning = None
    services = None
    settings: dict[str, Any] = {}
    connector = AppConnector(profile=args.profile, verify=_verify(args))
    if args.demo or args.demo_reset:
        from optui import paths
        from optui.demo.process import spawn_demo_server

        # imported before the child starts: both at once on two cores measured slower
        # (bench/startup.py) than the child's start-up beside the UI's first frame
        from optui.ui.app import OptuiApp

        try:
            # a child process opens the demo's data on another core while this one starts the
            # UI; requests made before it serves wait in the socket's queue
            server = spawn_demo_server(
                paths.demo_data_dir(),
                log_path=paths.state_dir() / "demo-server.log",
                reset=args.demo_reset,
            )
        except OSError as error:
            raise CliError(f"the demo server did not start: {error}") from None
        label = "demo"
        services = make_services(
            server.url,
            server.api_key,
            profile=label,
            server_id=f"demo:{paths.demo_data_dir()}",  # the port changes, the data does not
        )
    else:
        try:
            profile = config.resolve(
                config.load(), profile_name=args.profile, url=args.url, env=dict(os.environ)
            )
        except config.ConfigError as error:
            raise CliError(str(error)) from None
        label = ""
        if profile is not None:
            url = _check_url(profile.url)
            key = os.environ.get("OPENPROJECT_API_KEY") or secrets.get_key(profile.name)
            verify: bool | str = (
                _verify(args)
                if (args.insecure or args.ca_bundle)
                else (profile.ca_bundle or profile.verify_tls)
            )
            if verify is False:
                warning = "TLS certificate checks are off for this server"
            connector = AppConnector(profile=profile.name, verify=verify)
            label = profile.name
            settings = {
                "theme": profile.theme,
                "refresh_seconds": profile.refresh_seconds,
                "unread_seconds": profile.notifications_seconds,
                "timer_rounding": profile.timer_rounding_minutes,
            }
            if key:
                services = make_services(
                    url, key, profile=profile.name, scheme=profile.auth, verify=verify
                )
        # without a profile or a key the app opens on its login screen

    from optui.ui.app import OptuiApp

    app = OptuiApp(services, profile_name=label, warning=warning, connector=connector, **settings)
    if server is not None:

        def server_ended(why: str) -> None:
            with contextlib.suppress(RuntimeError):  # the app is not running (yet, or any more)
                app.call_from_thread(app.server_process_ended, secrets.redact(why))

        server.on_exit(server_ended)
    try:
        app.run()
    finally:
        connector.close()
        if server is not None:
            failure = server.failure()
            server.stop()
            if failure is not None:
                print(
                    f"optui: the demo server stopped ({secrets.redact(failure)}); "
                    f"its log: {server.log_path}",
                    file=sys.stderr,
                )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo-server":
            return _run_demo_server(args)
        if args.command == "login":
            return _login(args)
        if args.command == "logout":
            return _logout(args)
        return _run_app(args)
    except CliError as error:
        print(f"optui: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("optui: interrupted", file=sys.stderr)
        return 130
