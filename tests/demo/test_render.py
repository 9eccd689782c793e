"""The demo's preview endpoints: markdown and plain text in, an HTML fragment out."""

from __future__ import annotations

from optui.demo import DemoServer
from tests.conftest import demo_client

TEXT = {"Content-Type": "text/plain"}
HIDDEN_WORK_PACKAGE = 8
"""Every eighth seeded work package lives in "HR confidential", which the demo user cannot see."""


def test_markdown_renders_to_html(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        response = client.post(
            "/api/v3/render/markdown", content="Hello **world** <b>x</b>", headers=TEXT
        )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<strong>world</strong>" in response.text
    assert "<b>" not in response.text  # raw HTML is text, never markup
    assert "&lt;b&gt;x&lt;/b&gt;" in response.text


def test_plain_text_is_escaped_with_line_breaks(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        response = client.post(
            "/api/v3/render/plain", content="a < b\nsecond line\n\nnext *para*", headers=TEXT
        )
    assert response.status_code == 200
    assert response.text == "<p>a &lt; b<br>second line</p><p>next *para*</p>"


def test_context_must_be_a_visible_work_package(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        visible = client.post(
            "/api/v3/render/markdown",
            params={"context": "/api/v3/work_packages/1"},
            content="# Title",
            headers=TEXT,
        )
        hidden = client.post(
            "/api/v3/render/markdown",
            params={"context": f"/api/v3/work_packages/{HIDDEN_WORK_PACKAGE}"},
            content="# Title",
            headers=TEXT,
        )
        unknown = client.post(
            "/api/v3/render/plain",
            params={"context": "/api/v3/projects/1"},
            content="x",
            headers=TEXT,
        )
    assert visible.status_code == 200
    assert visible.text.strip() == "<h1>Title</h1>"
    for refused in (hidden, unknown):
        assert refused.status_code == 400
        assert refused.json()["errorIdentifier"].endswith(":InvalidRenderContext")


def test_render_wants_text_plain(demo: DemoServer) -> None:
    with demo_client(demo) as client:
        as_json = client.post("/api/v3/render/markdown", json={"text": "x"})
        bare = client.post("/api/v3/render/markdown", content=b"x")
    assert as_json.status_code == 415
    body = as_json.json()
    assert body["errorIdentifier"] == "urn:openproject-org:api:v3:errors:TypeNotSupported"
    assert "'text/plain'" in body["message"]
    assert bare.status_code == 406
    assert bare.text == "Missing content-type header"
