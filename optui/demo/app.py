"""The demo server's ASGI app: authentication, the Content-Type rules, routing, error bodies."""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from optui.demo import routes as route_modules
from optui.demo.hal import Problem, problem_response
from optui.demo.model import Demo

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("optui.demo")

BASIC_CHALLENGE = 'Basic realm="OpenProject API"'
JSON_TYPES = ("application/json", "application/hal+json")
TEXT_BODY_PATHS = ("/api/v3/render/markdown", "/api/v3/render/plain")


def _authenticate(request: Request, api_key: str) -> None:
    """Basic `apikey:KEY` or `Bearer KEY`; anything else is 401 as OpenProject answers it."""
    header = request.headers.get("authorization")
    if not header:
        raise Problem(
            401,
            "Unauthenticated",
            "You need to be authenticated to access this resource.",
            headers={"WWW-Authenticate": BASIC_CHALLENGE},
        )
    scheme, _, credentials = header.partition(" ")
    given = ""
    if scheme.lower() == "basic":
        try:
            user, _, password = base64.b64decode(credentials, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", ""
        given = password if user == "apikey" else ""
    elif scheme.lower() == "bearer":
        given = credentials.strip()
    if not given or not hmac.compare_digest(given.encode(), api_key.encode()):
        raise Problem(
            401,
            "Unauthenticated",
            "You did not provide the correct credentials.",
            headers={"WWW-Authenticate": BASIC_CHALLENGE},
        )


def _check_content_type(request: Request) -> Response | None:
    """Every non-GET needs a Content-Type (406 without one), JSON except for /render (415)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    content_type = request.headers.get("content-type")
    if not content_type:
        return PlainTextResponse("Missing content-type header", status_code=406)
    media = content_type.split(";")[0].strip().lower()
    expected = ("text/plain",) if request.url.path in TEXT_BODY_PATHS else JSON_TYPES
    if media not in expected:
        raise Problem(
            415,
            "TypeNotSupported",
            f"Expected Content-Type to be '{expected[0]}' but got '{media}'.",
        )
    return None


def _guard(handler: Handler, demo: Demo) -> Handler:
    async def guarded(request: Request) -> Response:
        try:
            _authenticate(request, demo.api_key)
            refused = _check_content_type(request)
            if refused is not None:
                return refused
            return await handler(request)
        except Problem as problem:
            return problem_response(problem)
        except Exception:
            log.exception("demo server error on %s %s", request.method, request.url.path)
            return problem_response(
                Problem(
                    500,
                    "InternalServerError",
                    "An internal server error occurred. This is not your fault.",
                )
            )

    return guarded


async def _unknown_route(request: Request) -> Response:
    raise Problem(404, "NotFound", "The requested resource could not be found.")


def build_app(demo: Demo) -> Starlette:
    """The ASGI app over a store; every route is authenticated and Content-Type checked."""
    routes: list[BaseRoute] = []
    for route in route_modules.all_routes(demo):
        assert isinstance(route, Route)
        routes.append(
            Route(route.path, _guard(route.endpoint, demo), methods=sorted(route.methods or ()))
        )
    catch_all = ["GET", "POST", "PATCH", "PUT", "DELETE"]
    routes.append(Route("/api/v3/{rest:path}", _guard(_unknown_route, demo), methods=catch_all))
    routes.append(Route("/api/v3", _guard(_unknown_route, demo), methods=catch_all))
    app = Starlette(routes=routes)
    app.state.demo = demo
    return app
