"""Wiring of a connection: services for a profile, the login the app asks for, the demo.

Like `cli.py` it may import every layer; the UI reaches it only through the `Connector`
protocol of `optui.ui.screens.login`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from optui import config, paths, secrets
from optui.api import ApiCache, Credentials, OpenProjectClient, Services, User
from optui.api.disk_cache import DiskCache

if TYPE_CHECKING:
    from optui.demo.process import DemoProcess
    from optui.ui.screens.login import Session


def open_disk_cache(profile: str, server_id: str) -> DiskCache:
    """The persistent cache of a profile (it opens its file in its own thread)."""
    return DiskCache(paths.cache_dir() / profile / "cache.sqlite3", server_url=server_id)


def make_services(
    url: str,
    key: str,
    *,
    profile: str,
    scheme: str = "basic",
    verify: bool | str = True,
    server_id: str | None = None,
) -> Services:
    secrets.remember(key)
    client = OpenProjectClient(url, Credentials(key, scheme), verify=verify)
    services = Services(client, ApiCache(open_disk_cache(profile, server_id or url)))
    services.preload_my_work()  # read while the UI is built: the first frame can show it
    return services


@dataclass
class AppConnector:
    """Connects from inside the app: the login screen and the demo button call it."""

    profile: str | None = None
    """The profile to (re)write on login; None: named after the server's host."""
    verify: bool | str = True
    demo_servers: list[DemoProcess] = field(default_factory=list)

    async def check(self, url: str, key: str, bearer: bool) -> str:
        scheme = "bearer" if bearer else "basic"
        secrets.remember(key)
        async with OpenProjectClient(url, Credentials(key, scheme), verify=self.verify) as client:
            return User.from_hal(await client.get("/api/v3/users/me")).name

    async def login(self, url: str, key: str, bearer: bool) -> Session:
        from optui.ui.screens.login import Session

        await self.check(url, key, bearer)
        name = config.check_profile_name(self.profile or urlsplit(url).hostname or "default")
        scheme = "bearer" if bearer else "basic"

        def store() -> None:
            settings = config.load()
            profile = config.Profile(
                name=name, url=url, auth=scheme, verify_tls=self.verify is not False
            )
            existing = settings.profiles.get(name)
            if existing is not None:
                profile = config.replace_connection(existing, profile)
            config.save(settings.with_profile(profile))
            secrets.set_key(name, key)

        await asyncio.to_thread(store)  # disk work stays off the UI loop
        self.profile = name
        services = make_services(url, key, profile=name, scheme=scheme, verify=self.verify)
        return Session(services, name)

    async def demo(self) -> Session:
        from optui.demo.process import spawn_demo_server
        from optui.ui.screens.login import Session

        log_path = paths.state_dir() / "demo-server.log"
        server = await asyncio.to_thread(
            spawn_demo_server, paths.demo_data_dir(), log_path=log_path
        )
        self.demo_servers.append(server)
        services = make_services(
            server.url, server.api_key, profile="demo", server_id=f"demo:{paths.demo_data_dir()}"
        )
        return Session(services, "demo")

    def close(self) -> None:
        for server in self.demo_servers:
            server.stop()
