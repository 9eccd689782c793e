"""The detail's field rows: each field once, in words, with or without the schema."""

from __future__ import annotations

from optui.api.hal import Resource
from optui.ui.screens.detail import field_rows

WORK_PACKAGE = Resource(
    {
        "_type": "WorkPackage",
        "id": 5,
        "subject": "Make it fast",
        "startDate": "2026-11-02",
        "estimatedTime": "PT16H",
        "duration": "P2D",
        "createdAt": "2026-07-14T12:00:00Z",
        "_links": {
            "self": {"href": "/api/v3/work_packages/5"},
            "type": {"href": "/api/v3/types/1", "title": "Task"},
            "status": {"href": "/api/v3/statuses/1", "title": "New"},
        },
    }
)


def test_without_a_schema_the_core_fields_have_names_and_readable_values() -> None:
    rows = dict(field_rows(WORK_PACKAGE, None))
    assert rows["Type"] == "Task"
    assert rows["Status"] == "New"
    assert rows["Work"] == "16h"
    assert rows["Duration"] == "2 working days"
    assert rows["Created on"] == "2026-07-14 12:00"
    assert "estimatedTime" not in rows and "startDate" not in rows


def test_fields_shown_first_are_not_listed_again_from_the_schema() -> None:
    schema = Resource(
        {
            "_type": "Schema",
            "type": {"type": "Type", "name": "Type", "location": "_links"},
            "status": {"type": "Status", "name": "Status", "location": "_links"},
            "estimatedTime": {"type": "Duration", "name": "Work"},
            "_attributeGroups": [{"name": "Estimates", "attributes": ["estimatedTime"]}],
        }
    )
    labels = [label for label, _ in field_rows(WORK_PACKAGE, schema)]
    assert labels == ["Type", "Status", "Work"]
