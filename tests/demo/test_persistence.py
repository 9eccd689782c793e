"""The demo's data persists in its data directory; a reset starts from the seed again."""

from __future__ import annotations

from pathlib import Path

from optui.demo import start_demo_server
from tests.conftest import TODAY, demo_client


def test_edits_survive_a_restart_and_reset_restores_the_seed(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    server = start_demo_server(data, today=TODAY)
    try:
        with demo_client(server) as client:
            wp = client.get("/api/v3/work_packages/1").json()
            answer = client.patch(
                "/api/v3/work_packages/1",
                json={"lockVersion": wp["lockVersion"], "subject": "Persisted subject"},
            )
            assert answer.status_code == 200, answer.text
            seeded_subject = wp["subject"]
    finally:
        server.stop()

    again = start_demo_server(data, today=TODAY)
    try:
        assert again.api_key == server.api_key  # the key is kept in the data dir
        with demo_client(again) as client:
            assert client.get("/api/v3/work_packages/1").json()["subject"] == "Persisted subject"
    finally:
        again.stop()

    fresh = start_demo_server(data, today=TODAY, reset=True)
    try:
        with demo_client(fresh) as client:
            assert client.get("/api/v3/work_packages/1").json()["subject"] == seeded_subject
    finally:
        fresh.stop()
