"""The `optui` command: picks the instance (or starts the demo), builds services, runs the app.

Start-up problems end with one clear line on stderr and a non-zero exit code, never a
traceback. Textual is imported only when the app really runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from optui import __version__

EXIT_USAGE = 2


class CliError(Exception):
    """A start-up problem with a message for stderr."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="optui",
        description="A terminal UI for OpenProject (REST API v3).",
        epilog="Environment: OPENPROJECT_URL (like --url) and OPENPROJECT_API_KEY.",
    )
    parser.add_argument("--version", action="version", version=f"optui {__version__}")
    parser.add_argument("--url", help="OpenProject instance to connect to (or OPENPROJECT_URL)")
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
        choices=("normal", "large"),
        default="normal",
        help="seed data size for a new data directory (large: 10,000 more work packages)",
    )
    server.add_argument("--reset", action="store_true", help="start from fresh seed data")
    return parser


def _run_demo_server(args: argparse.Namespace) -> int:
    from optui import paths
    from optui.demo import serve_foreground

    data = args.data or paths.demo_data_dir()
    try:
        serve_foreground(
            data,
            host=args.host,
            port=args.port,
            api_key=args.api_key,
            seed_size=args.seed_size,
            reset=args.reset,
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


def _run_app(args: argparse.Namespace) -> int:
    from optui.api import ApiCache, Credentials, OpenProjectClient, Services

    server = None
    if args.demo or args.demo_reset:
        from optui import paths
        from optui.demo import start_demo_server

        try:
            # the server opens its data while this thread imports the UI
            server = start_demo_server(paths.demo_data_dir(), reset=args.demo_reset, wait=False)
        except OSError as error:
            raise CliError(f"the demo server did not start: {error}") from None
        url, key, profile = server.url, server.api_key, "demo"
    else:
        raw_url = args.url or os.environ.get("OPENPROJECT_URL")
        if not raw_url:
            raise CliError(
                "no OpenProject instance given: use --url URL (or OPENPROJECT_URL) with "
                "OPENPROJECT_API_KEY, or try the demo with --demo"
            )
        url = _check_url(raw_url)
        key = os.environ.get("OPENPROJECT_API_KEY", "")
        if not key:
            raise CliError(
                "no API key: set OPENPROJECT_API_KEY (create one in OpenProject under "
                "My account > Access tokens)"
            )
        profile = urlsplit(url).netloc
    client = OpenProjectClient(url, Credentials(key))
    services = Services(client, ApiCache())

    from optui.ui.app import OptuiApp

    if server is not None:
        try:
            server.wait_ready()
        except RuntimeError as error:
            server.stop()
            raise CliError(str(error)) from None
    try:
        OptuiApp(services, profile_name=profile).run()
    finally:
        if server is not None:
            server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo-server":
            return _run_demo_server(args)
        return _run_app(args)
    except CliError as error:
        print(f"optui: {error}", file=sys.stderr)
        return EXIT_USAGE
