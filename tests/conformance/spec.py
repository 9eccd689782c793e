"""OpenProject's OpenAPI document as a response checker: path templates, schemas, deviations.

The spec is registered in a `referencing.Registry` under the URN `urn:spec`, so every schema is
validated as `{"$ref": "urn:spec#/<pointer>"}` and its own `#/components/...` references resolve
inside the document. The demo's documented deviations from the spec (openproject-api.md §19) are
applied by patching a *copy* of the document, never by skipping validation.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

Json = dict[str, Any]

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "openproject-api" / "spec.json"
"""`shared/` sits beside the checkout, in CI as on a developer's machine."""

URN = "urn:spec"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ERROR_PREFIX = "urn:openproject-org:api:v3:errors:"
HAL_JSON = "application/hal+json"


@functools.cache
def load_document() -> Json | None:
    """The parsed spec, or None when `shared/` is not beside the checkout."""
    if not SPEC_PATH.is_file():
        return None
    document: Json = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return document


def pointer(*segments: str) -> str:
    """A JSON pointer (RFC 6901, percent-encoded for use in a URI fragment)."""
    return "".join("/" + quote(s.replace("~", "~0").replace("/", "~1"), safe="") for s in segments)


FORMATS = FormatChecker(formats=())
"""The spec's formats worth checking (jsonschema checks none unless asked, some need extras)."""

_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_DURATION = re.compile(
    r"P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
    r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?"
)


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return re.fullmatch(r"\d{4}-\d\d-\d\d", value) is not None and _parses_date(value)


def _parses_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or _DATE_TIME.fullmatch(value) is not None


@FORMATS.checks("duration")
def _is_duration(value: object) -> bool:
    return not isinstance(value, str) or _DURATION.fullmatch(value) is not None


# ---------------------------------------------------------------------------------------------
# Deviations: exactly the rows of openproject-api.md §19 where the demo follows real servers.
# Each one patches a copy of the document; a case names the deviations it needs.
# ---------------------------------------------------------------------------------------------


def _operation(document: Json, template: str, method: str) -> Json:
    operation: Json = document["paths"][template][method]
    return operation


def _add_enum(document: Json, schema: str, prop: str, value: str) -> None:
    target = document["components"]["schemas"][schema]["properties"][prop]
    target["enum"] = [*target.get("enum", []), value]


def _work_package_collection_type(document: Json) -> None:
    # §19 "WP list _type": the schema's enum says `Collection`; servers (and the spec's own
    # examples) send `WorkPackageCollection`.
    # `_type` comes from CollectionModel (allOf): swap in a copy that also allows the real one.
    schemas = document["components"]["schemas"]
    collection = copy.deepcopy(schemas["CollectionModel"])
    collection["properties"]["_type"]["enum"].append("WorkPackageCollection")
    schemas["WorkPackageCollectionModel (§19)"] = collection
    parts = schemas["Work_PackagesModel"]["allOf"]
    assert parts[0] == {"$ref": "#/components/schemas/CollectionModel"}
    parts[0] = {"$ref": "#/components/schemas/WorkPackageCollectionModel%20%28%C2%A719%29"}


def _work_package_create_201(document: Json) -> None:
    # §19 "WP create status": documented as 200, servers answer 201 Created with the same body.
    for template in (
        "/api/v3/work_packages",
        "/api/v3/projects/{id}/work_packages",
        "/api/v3/workspaces/{id}/work_packages",
    ):
        responses = _operation(document, template, "post")["responses"]
        responses["201"] = responses.pop("200")


def _missing_lock_version_409(document: Json) -> None:
    # §19 "missing lockVersion": required, but the spec gives no status; servers answer 409
    # UpdateConflict like a stale one (the PATCH lists 409 already; forms do not, see below).
    responses = _operation(document, "/api/v3/work_packages/{id}", "patch")["responses"]
    responses.setdefault("409", _error_response("UpdateConflict"))


def _bad_filter_invalid_query(document: Json) -> None:
    # §19 "bad WP filter": list endpoints document their 400 as InvalidRequestBody; servers
    # answer a bad filter with 400 InvalidQuery. Applies to every GET list so documented.
    invalid_body = "#/components/responses/InvalidRequestBody"
    for item in document["paths"].values():
        get = item.get("get")
        if get is not None and get.get("responses", {}).get("400", {}).get("$ref") == invalid_body:
            get["responses"]["400"] = {"$ref": "#/components/responses/InvalidQuery"}


def _notification_bad_filter_400(document: Json) -> None:
    # §19 "notification bad filter": documented as 422, servers answer 400 InvalidQuery.
    responses = _operation(document, "/api/v3/notifications", "get")["responses"]
    responses["400"] = {"$ref": "#/components/responses/InvalidQuery"}


def _activity_type(document: Json) -> None:
    # §19 "activity _type": the schema allows only `Activity::Comment`; change-only journals
    # are `Activity` on real servers.
    _add_enum(document, "ActivityModel", "_type", "Activity")


def _notification_details_embedded(document: Json) -> None:
    # §19 "notification details": modelled top-level, sent (also in the spec's examples) under
    # `_embedded.details`. Move the property's schema where the responses carry it.
    schema = document["components"]["schemas"]["NotificationModel"]
    details = schema["properties"].pop("details", None)
    if details is None:
        return
    if "required" in schema:
        schema["required"] = [name for name in schema["required"] if name != "details"]
    embedded = schema["properties"].setdefault("_embedded", {"type": "object", "properties": {}})
    embedded.setdefault("properties", {})["details"] = details


def _time_entry_activity_plural(document: Json) -> None:
    # §19 "time entry activity route": the spec says `/time_entries/activity/{id}`, servers
    # route `/time_entries/activities/{id}`; the demo serves both with the same operation.
    paths = document["paths"]
    paths["/api/v3/time_entries/activities/{id}"] = copy.deepcopy(
        paths["/api/v3/time_entries/activity/{id}"]
    )


def _grid_scope_filter(document: Json) -> None:
    # §19 "grid list filter": the spec documents the filter `page`, servers filter by `scope`.
    # The responses stay as specified; `documented_filters` reads the patched list.
    for parameter in _operation(document, "/api/v3/grids", "get").get("parameters", []):
        if parameter.get("name") == "filters":
            parameter["description"] += "\n- scope: Filter grids by the page they belong to"


def _edit_form_409(document: Json) -> None:
    # §19 "edit form 409": the edit form lists no 409; servers answer a stale lockVersion with
    # 409 UpdateConflict.
    responses = _operation(document, "/api/v3/work_packages/{id}/form", "post")["responses"]
    responses["409"] = _error_response("UpdateConflict")


def _form_media_type(document: Json) -> None:
    # §19 "form 200 media type": forms declare `application/json`, servers send
    # `application/hal+json` (the body schema is the same).
    for item in document["paths"].values():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status.startswith("2") and "application/json" in content:
                    content.setdefault(HAL_JSON, content["application/json"])


def _error_response(identifier: str) -> Json:
    return {
        "description": identifier,
        "content": {HAL_JSON: {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
        "x-error-identifier": identifier,
    }


@dataclass(frozen=True)
class Deviation:
    """One §19 row: a patch to a copy of the spec."""

    topic: str
    patch: Callable[[Json], None]


DEVIATIONS: dict[str, Deviation] = {
    "wp-collection-type": Deviation("WP list _type", _work_package_collection_type),
    "wp-create-201": Deviation("WP create status", _work_package_create_201),
    "missing-lock-version-409": Deviation("missing lockVersion", _missing_lock_version_409),
    "bad-filter-invalid-query": Deviation("bad WP filter", _bad_filter_invalid_query),
    "notification-bad-filter-400": Deviation(
        "notification bad filter", _notification_bad_filter_400
    ),
    "activity-type": Deviation("activity _type", _activity_type),
    "notification-details-embedded": Deviation(
        "notification details", _notification_details_embedded
    ),
    "time-entry-activity-plural": Deviation(
        "time entry activity route", _time_entry_activity_plural
    ),
    "grid-scope-filter": Deviation("grid list filter", _grid_scope_filter),
    "edit-form-409": Deviation("edit form 409", _edit_form_409),
    "form-media-type": Deviation("form 200 media type", _form_media_type),
}
"""Every allowed deviation; a name not listed here is refused."""


# ---------------------------------------------------------------------------------------------
# The spec as a checker
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """What the spec documents for one status of one operation."""

    status: int
    schema: str | None
    """A URI (`urn:spec#/...`) of the body's schema; None when the spec gives none."""
    media_types: tuple[str, ...]
    error_identifier: str | None
    """Set when the response is a shared one naming a single error (e.g. `InvalidQuery`)."""
    source: str
    """Where this came from: the operation, or the API-wide rule that allows it."""


@dataclass
class Spec:
    """One (possibly patched) copy of the document, with its registry and path matchers."""

    document: Json
    registry: Registry[Any] = field(init=False)
    error_statuses: dict[str, int] = field(init=False)
    _templates: list[tuple[tuple[int, ...], str, re.Pattern[str]]] = field(init=False)
    _validators: dict[str, Draft202012Validator] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        resource: Resource[Any] = Resource.from_contents(
            self.document, default_specification=DRAFT202012
        )
        self.registry = Registry().with_resource(URN, resource)
        self.error_statuses = _error_statuses(self.document)
        self._templates = sorted(
            (_specificity(template), template, _template_regex(template))
            for template in self.document["paths"]
        )

    def template_for(self, path: str) -> str | None:
        """The spec's path template for a concrete path (query ignored); literals beat params."""
        bare = path.split("?", 1)[0]
        if len(bare) > 1 and bare.endswith("/"):
            bare = bare[:-1]  # Rails routes ignore one trailing slash: `/api/v3/` is `/api/v3`
        for _, template, regex in self._templates:
            if regex.fullmatch(bare):
                return template
        return None

    def operation(self, template: str, method: str) -> Json | None:
        item = self.document["paths"].get(template, {})
        found = item.get(method.lower())
        return found if isinstance(found, dict) else None

    def expected(self, template: str | None, method: str, status: int) -> Expected | None:
        """The documented response, from the operation or from an API-wide rule; None if neither."""
        operation = None if template is None else self.operation(template, method)
        if operation is not None:
            response = operation.get("responses", {}).get(str(status))
            if response is not None:
                base = pointer("paths", str(template), method.lower(), "responses", str(status))
                return self._describe(status, response, base, "operation")
        return self._api_wide(template, operation, method, status)

    def _describe(self, status: int, response: Json, base: str, source: str) -> Expected:
        identifier = response.get("x-error-identifier")
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            base = pointer("components", "responses", name)
            response = self.document["components"]["responses"][name]
            identifier = name if name in self.error_statuses else None
            source = f"{source} -> components/responses/{name}"
        content: Json = response.get("content", {})
        schema = None
        # pick by status, not media type: the first declared schema (JSON preferred)
        for media in sorted(content, key=lambda m: (m != HAL_JSON, m != "application/json")):
            if "schema" in content[media]:
                schema = f"{URN}#{base}{pointer('content', media, 'schema')}"
                break
        return Expected(status, schema, tuple(content), identifier, source)

    def _api_wide(
        self, template: str | None, operation: Json | None, method: str, status: int
    ) -> Expected | None:
        """Statuses the spec documents for every operation rather than per operation.

        - 401: the document-wide `security` requirement (Basic) and `Unauthenticated` (HTTP 401)
          in the Basic Objects list of error identifiers;
        - 404: `NotFound`, "Default for HTTP 404", when a path parameter names nothing, and for
          any path under /api/v3 the spec does not know;
        - 406 / 415: the shared `MissingContentType` / `UnsupportedMediaType` responses, for
          operations that take a request (every non-GET).
        """
        error = pointer("components", "schemas", "ErrorResponse")
        error_schema = f"{URN}#{error}"
        if status == 401 and self.document.get("security"):
            return Expected(401, error_schema, (HAL_JSON,), "Unauthenticated", "api-wide: security")
        if status == 404 and (operation is None or "{" in str(template)):
            return Expected(404, error_schema, (HAL_JSON,), "NotFound", "api-wide: NotFound")
        if operation is not None and method.lower() != "get":
            shared = {406: "MissingContentType", 415: "UnsupportedMediaType"}.get(status)
            if shared is not None:
                response = {"$ref": f"#/components/responses/{shared}"}
                described = self._describe(status, response, "", "api-wide")
                identifier = "TypeNotSupported" if status == 415 else None
                return Expected(
                    status, described.schema, described.media_types, identifier, described.source
                )
        return None

    def documented_filters(self, template: str, method: str) -> frozenset[str] | None:
        """Filter names the operation lists as supported; None when the list is open or absent."""
        operation = self.operation(template, method) or {}
        for parameter in operation.get("parameters", []):
            text = (
                str(parameter.get("description", "")) if parameter.get("name") == "filters" else ""
            )
            _, found, listing = text.partition("supported filters are:")
            if found:  # the work package list's is open ("additional filters added by modules")
                return frozenset(re.findall(r"^[-+] `?(\w+)", listing, re.MULTILINE))
        return None

    def schema_label(self, schema_uri: str) -> str:
        """A short name for messages: the component a response schema refers to, if it does."""
        resolved = self.registry.resolver().lookup(schema_uri).contents
        ref = resolved.get("$ref") if isinstance(resolved, dict) else None
        return str(ref).rsplit("/", 1)[-1] if ref else schema_uri.split("#", 1)[-1]

    def validator(self, schema_uri: str) -> Draft202012Validator:
        found = self._validators.get(schema_uri)
        if found is None:
            found = Draft202012Validator(
                {"$ref": schema_uri}, registry=self.registry, format_checker=FORMATS
            )
            self._validators[schema_uri] = found
        return found

    def errors(self, schema_uri: str, instance: Any) -> Iterator[str]:
        """Readable validation errors of an instance against a schema of this document."""
        for error in sorted(self.validator(schema_uri).iter_errors(instance), key=str):
            error = _closest(error)
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            yield f"{where}: {error.message[:300]}"


def _closest(error: ValidationError) -> ValidationError:
    """For anyOf/oneOf, the first error of the alternative that failed least (then deeper)."""
    while error.context:
        alternatives: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            alternatives.setdefault(sub.schema_path[0], []).append(sub)
        fewest = min(alternatives.values(), key=len)
        error = sorted(fewest, key=str)[0]
    return error


def _specificity(template: str) -> tuple[int, ...]:
    # sort key: per segment 0 for a literal, 1 for a parameter, so literals win
    return tuple(1 if "{" in segment else 0 for segment in template.split("/"))


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def _error_statuses(document: Json) -> dict[str, int]:
    """`errorIdentifier` → HTTP status, from the Basic Objects tag's "List of Error Identifiers"."""
    text = "".join(tag.get("description", "") for tag in document.get("tags", []))
    found = re.findall(r"errors:(\w+)` \(\*\*HTTP (\d{3})\*\*\)", text)
    return {name: int(status) for name, status in found}


@functools.cache
def spec_with(deviations: frozenset[str] = frozenset()) -> Spec:
    """The spec with the named deviations applied to a copy (cached per set)."""
    document = load_document()
    if document is None:
        raise LookupError(f"the OpenProject spec is not at {SPEC_PATH}")
    unknown = deviations - DEVIATIONS.keys()
    if unknown:
        raise KeyError(f"not an allowed deviation (openproject-api.md §19): {sorted(unknown)}")
    if not deviations:
        return Spec(document)
    patched = copy.deepcopy(document)
    for name in sorted(deviations):
        DEVIATIONS[name].patch(patched)
    return Spec(patched)
