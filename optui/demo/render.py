"""HAL representations of the demo's reference data: users, projects, statuses, types, versions…"""

from __future__ import annotations

from typing import Any

from optui.demo.hal import Json, action, formattable, link
from optui.demo.model import Demo
from optui.demo.store import Record

API = "/api/v3"


def user_name(user: Record) -> str:
    return f"{user['firstName']} {user['lastName']}".strip()


def principal_link(demo: Demo, user_id: int | None) -> Json:
    """A link to a user or group (groups are stored with ids from 1000 up)."""
    if user_id is None:
        return link(None)
    group = demo.store.get("groups", user_id)
    if group is not None:
        return link(f"{API}/groups/{user_id}", group["name"])
    user = demo.store.get("users", user_id)
    if user is None:
        return link(None)
    return link(f"{API}/users/{user_id}", user_name(user))


def ref_link(demo: Demo, kind: str, record_id: int | None, title_field: str = "name") -> Json:
    """A value link `/api/v3/<kind>/<id>` with the record's name as title, `href: null` if unset."""
    if record_id is None:
        return link(None)
    record = demo.store.get(kind, record_id)
    if record is None:
        return link(None)
    return link(f"{API}/{kind}/{record_id}", str(record.get(title_field, record_id)))


def project_link(demo: Demo, project_id: int | None) -> Json:
    """A project link; an invisible project is 'undisclosed', as OpenProject does."""
    if project_id is None:
        return link(None)
    project = demo.store.get("projects", project_id)
    if project is None:
        return link(None)
    if not demo.can_see_project(project):
        return link("urn:openproject-org:api:v3:undisclosed", "Project not disclosed")
    return link(f"{API}/projects/{project_id}", project["name"])


def user_json(demo: Demo, user: Record) -> Json:
    href = f"{API}/users/{user['id']}"
    me = user["id"] == demo.user_id
    body: Json = {
        "_type": "User",
        "id": user["id"],
        "name": user_name(user),
        "createdAt": user["createdAt"],
        "updatedAt": user["updatedAt"],
        "login": user["login"],
        "firstName": user["firstName"],
        "lastName": user["lastName"],
        "admin": bool(user.get("admin")),
        "avatar": "",
        "status": user.get("status", "active"),
        "language": user.get("language", "en"),
        "_links": {
            "self": link(href, user_name(user)),
            "memberships": link(
                f"{API}/memberships?filters=%5B%7B%22principal%22%3A%7B%22operator%22%3A%22%3D%22%2C%22values%22%3A%5B%22{user['id']}%22%5D%7D%7D%5D",
                "Memberships",
            ),
            "showUser": link(f"/users/{user['id']}", type="text/html"),
        },
    }
    if me or demo.is_admin():
        body["email"] = user.get("email")
    return body


def group_json(group: Record, demo: Demo | None = None) -> Json:
    """A group; `_embedded` is required by the spec, and holds the members when `demo` is given."""
    href = f"{API}/groups/{group['id']}"
    links: Json = {"self": link(href, group["name"])}
    embedded: Json = {}
    if demo is not None:
        found = (demo.store.get("users", uid) for uid in group.get("member_ids", []))
        members = [user for user in found if user is not None]
        links["members"] = [link(f"{API}/users/{u['id']}", user_name(u)) for u in members]
        embedded["members"] = [user_json(demo, u) for u in members]
    return {
        "_type": "Group",
        "id": group["id"],
        "name": group["name"],
        "createdAt": group["createdAt"],
        "updatedAt": group["updatedAt"],
        "_embedded": embedded,
        "_links": links,
    }


def status_json(status: Record) -> Json:
    return {
        "_type": "Status",
        "id": status["id"],
        "name": status["name"],
        "isClosed": status["isClosed"],
        "color": status["color"],
        "isDefault": status["isDefault"],
        "isReadonly": status["isReadonly"],
        "excludedFromTotals": False,
        "defaultDoneRatio": status.get("defaultDoneRatio"),
        "position": status["position"],
        "_links": {"self": link(f"{API}/statuses/{status['id']}", status["name"])},
    }


def type_json(type_: Record) -> Json:
    return {
        "_type": "Type",
        "id": type_["id"],
        "name": type_["name"],
        "color": type_["color"],
        "position": type_["position"],
        "isDefault": type_["isDefault"],
        "isMilestone": type_["isMilestone"],
        "createdAt": type_["createdAt"],
        "updatedAt": type_["updatedAt"],
        "_links": {"self": link(f"{API}/types/{type_['id']}", type_["name"])},
    }


def priority_json(priority: Record) -> Json:
    return {
        "_type": "Priority",
        "id": priority["id"],
        "name": priority["name"],
        "position": priority["position"],
        "color": priority["color"],
        "isDefault": priority["isDefault"],
        "isActive": priority["isActive"],
        "_links": {"self": link(f"{API}/priorities/{priority['id']}", priority["name"])},
    }


def version_json(demo: Demo, version: Record) -> Json:
    href = f"{API}/versions/{version['id']}"
    links: Json = {
        "self": link(href, version["name"]),
        "schema": link(f"{API}/versions/schema"),
        "definingProject": project_link(demo, version["project_id"]),
        "availableInProjects": link(f"{href}/projects"),
    }
    project = demo.store.get("projects", version["project_id"])
    if project is not None and demo.is_member(project):
        links["update"] = action(f"{href}/form")
        links["updateImmediately"] = action(href, "patch")
    return {
        "_type": "Version",
        "id": version["id"],
        "name": version["name"],
        "description": formattable(version.get("description"), "plain"),
        "startDate": version.get("startDate"),
        "endDate": version.get("endDate"),
        "status": version["status"],
        "sharing": version.get("sharing", "none"),
        "createdAt": version["createdAt"],
        "updatedAt": version["updatedAt"],
        "_links": links,
    }


def category_json(demo: Demo, category: Record) -> Json:
    return {
        "_type": "Category",
        "id": category["id"],
        "name": category["name"],
        "_links": {
            "self": link(f"{API}/categories/{category['id']}", category["name"]),
            "project": project_link(demo, category["project_id"]),
            "defaultAssignee": principal_link(demo, category.get("assignee_id")),
        },
    }


PROJECT_STATUS_TITLES = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}


def project_json(demo: Demo, project: Record) -> Json:
    pid = project["id"]
    href = f"{API}/projects/{pid}"
    links: Json = {
        "self": link(href, project["name"]),
        "categories": link(f"{href}/categories"),
        "types": link(f"{href}/types"),
        "versions": link(f"{href}/versions"),
        "memberships": link(
            f"{API}/memberships?filters=%5B%7B%22project%22%3A%7B%22operator%22%3A%22%3D%22%2C%22values%22%3A%5B%22{pid}%22%5D%7D%7D%5D"
        ),
        "workPackages": link(f"{href}/work_packages"),
        "parent": project_link(demo, project.get("parent_id")),
        "ancestors": [project_link(demo, a) for a in ancestor_ids(demo, project)],
        "status": link(
            f"{API}/project_statuses/{project['status_code']}",
            PROJECT_STATUS_TITLES.get(project["status_code"], project["status_code"]),
        )
        if project.get("status_code")
        else link(None),
    }
    if demo.can_edit_project_work(project):
        links["createWorkPackage"] = action(f"{href}/work_packages/form")
        links["createWorkPackageImmediately"] = action(f"{href}/work_packages")
    if demo.is_admin():
        links["update"] = action(f"{href}/form")
        links["updateImmediately"] = action(href, "patch")
        links["delete"] = action(href, "delete")
    return {
        "_type": "Project",
        "id": pid,
        "identifier": project["identifier"],
        "name": project["name"],
        "active": bool(project.get("active", True)),
        "public": bool(project.get("public")),
        "favorited": False,
        "description": formattable(project.get("description")),
        "statusExplanation": formattable(project.get("statusExplanation")),
        "createdAt": project["createdAt"],
        "updatedAt": project["updatedAt"],
        "_links": links,
    }


def ancestor_ids(demo: Demo, project: Record) -> list[int]:
    """Ids of a project's ancestors, root first."""
    chain: list[int] = []
    parent_id = project.get("parent_id")
    while parent_id is not None:
        chain.append(parent_id)
        parent = demo.store.get("projects", parent_id)
        parent_id = None if parent is None else parent.get("parent_id")
    return list(reversed(chain))


def descendant_ids(demo: Demo, project_id: int) -> list[int]:
    found: list[int] = []
    frontier = [project_id]
    while frontier:
        current = frontier.pop()
        for child in demo.store.find("projects", parent_id=current):
            found.append(child["id"])
            frontier.append(child["id"])
    return found


def find_project(demo: Demo, ref: Any) -> Record | None:
    """A visible project by numeric id or identifier (URLs accept both)."""
    if isinstance(ref, str) and not ref.isdigit():
        candidates = demo.store.find("projects", identifier=ref)
        project = candidates[0] if candidates else None
    else:
        project = demo.lookup("projects", ref)
    if project is None or not demo.can_see_project(project):
        return None
    return project
