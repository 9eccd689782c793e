"""Previews: `POST /api/v3/render/markdown` and `/render/plain` turn text/plain into HTML.

The app's Content-Type gate already refuses anything but `text/plain` here (415). An optional
`context` must name a work package the user can see, else 400 `InvalidRenderContext`.
"""

from __future__ import annotations

import html
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from optui.demo.hal import Problem, formattable, id_from_href
from optui.demo.model import Demo
from optui.demo.render import API

HTML = "text/html; charset=utf-8"


def plain_html(text: str) -> str:
    """Plain text as HTML: escaped, paragraphs at blank lines, `<br>` at single line breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line, quote=False) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def routes(demo: Demo) -> list[Route]:
    def check_context(request: Request) -> None:
        context = request.query_params.get("context")
        if context is None:
            return
        work_package_id = id_from_href(context, "work_packages")
        if work_package_id is None or demo.visible_work_package(work_package_id) is None:
            raise Problem(
                400,
                "InvalidRenderContext",
                "Could not render markdown string in the given context.",
            )

    async def markdown(request: Request) -> Response:
        check_context(request)
        text = (await request.body()).decode("utf-8", errors="replace")
        return Response(formattable(text)["html"], media_type=HTML)

    async def plain(request: Request) -> Response:
        check_context(request)
        text = (await request.body()).decode("utf-8", errors="replace")
        return Response(plain_html(text), media_type=HTML)

    return [
        Route(f"{API}/render/markdown", markdown, methods=["POST"]),
        Route(f"{API}/render/plain", plain, methods=["POST"]),
    ]
