"""Services for changing work packages: create and edit forms, saving them, allowed values, and
quick edits of one field.

Forms are POSTed to `/form` endpoints, which save nothing and so may be retried; saves go once
through `client.write` and are never retried. A save's answer replaces the work package in the
cache, and what may contain it (lists, its project, its parents) is marked stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from optui.api.cache import LONG_TTL, SHORT_TTL, ApiCache
from optui.api.client import OpenProjectClient
from optui.api.errors import ApiError
from optui.api.hal import Resource
from optui.api.models import WorkPackage
from optui.api.schema import (
    AllowedValue,
    FieldSpec,
    FormState,
    Value,
    allowed_value,
    choices,
    field,
    fields_by_name,
    parse_form,
    payload,
    schema_fields,
    write_body,
)

GLOBAL_CREATE_FORM = "/api/v3/work_packages/form"
"""The create form without a project in its URL (`_links.project` goes in the payload)."""
MAX_OPTIONS = 50
"""Allowed values returned per search: enough to pick from, few enough to draw at once."""
REMEMBERED_FORMS = 32
"""Forms whose fields are kept to place the next changes (one per open work package)."""


class EditingServices:
    """Mixed into `Services`: needs `client` and `cache`."""

    client: OpenProjectClient
    cache: ApiCache
    _form_fields: dict[str, dict[str, FieldSpec]]

    if TYPE_CHECKING:  # defined by `Services`

        def _invalidate_after_work_package_change(self, work_package: Resource) -> None: ...

    # forms

    async def edit_form(
        self, href: str, lock_version: int | None, changes: Mapping[str, Value]
    ) -> FormState:
        """The edit form of a work package with `changes` applied (409 on a stale lockVersion)."""
        return await self._post_form(f"{href.rstrip('/')}/form", lock_version, changes)

    async def create_form(self, project_href: str, changes: Mapping[str, Value]) -> FormState:
        """The create form of a work package in a project (no project: the global form)."""
        path = f"{project_href.rstrip('/')}/work_packages/form" if project_href else None
        return await self._post_form(path or GLOBAL_CREATE_FORM, None, changes)

    def _known_fields(self) -> dict[str, dict[str, FieldSpec]]:
        """The fields of each form path as last seen (made on first use: a mixin has no init)."""
        try:
            return self._form_fields
        except AttributeError:
            self._form_fields = {}
            return self._form_fields

    def _remember(self, path: str, state: FormState) -> dict[str, FieldSpec]:
        known = self._known_fields()
        known.pop(path, None)
        known[path] = fields_by_name(state)
        while len(known) > REMEMBERED_FORMS:
            del known[next(iter(known))]
        return known[path]

    async def _form(self, path: str, body: Mapping[str, Any]) -> FormState:
        return parse_form(await self.client.validate_form(path, body))

    async def _post_form(
        self, path: str, lock_version: int | None, changes: Mapping[str, Value]
    ) -> FormState:
        """POST the changes, placed by the fields the form had when last seen.

        Where a change's field is not known yet (a restored draft, a field that a type change
        brings), it is placed by a guess; if the answer's schema says otherwise, the corrected
        body is sent once more (forms save nothing, so this is safe).
        """
        known = self._known_fields().get(path)
        if known is None and changes:
            learned = await self._form(path, write_body({}, {}, lock_version))
            known = self._remember(path, learned)
        body = write_body(changes, known or {}, lock_version)
        state = await self._form(path, body)
        corrected = write_body(changes, self._remember(path, state), lock_version)
        if corrected != body:
            state = await self._form(path, corrected)
            self._remember(path, state)
        return state

    async def save_form(self, state: FormState, changes: Mapping[str, Value]) -> WorkPackage:
        """Send the changes to the form's commit link, once (201 on create, 200 on edit).

        Raises the client's errors untouched (UpdateConflict, InvalidInput with per-attribute
        errors, ServerUnreachable…), and ValueError when the form may not be committed.
        """
        if state.commit_href is None:
            raise ValueError("the form has no commit link: the server does not accept it yet")
        method = (state.commit_method or "post").upper()
        before = self.cache.resource(state.commit_href) if method == "PATCH" else None
        answer = await self.client.write(method, state.commit_href, payload(state, changes))
        return self._after_write(method, state.commit_href, answer, before)

    # choices

    async def allowed_values(self, href: str, query: str = "") -> tuple[AllowedValue, ...]:
        """The first `MAX_OPTIONS` allowed values of an options collection whose title contains
        `query` (any case); the whole collection is fetched once and cached."""

        parts = urlsplit(href)
        # the href's own query (filters…) goes as parameters: httpx drops it when paging adds some
        params = dict(parse_qsl(parts.query, keep_blank_values=True))

        async def fetch() -> Any:
            found = await self.client.fetch_all(parts.path, params or None)
            return [resource.data for resource in found]

        value = await self.cache.get(ApiCache.key(href), fetch, ttl=SHORT_TTL)
        needle = query.strip().casefold()
        found: list[AllowedValue] = []
        for item in value if isinstance(value, list) else []:
            choice = allowed_value(Resource(item)) if isinstance(item, dict) else None
            if choice is not None and needle in choice.title.casefold():
                found.append(choice)
                if len(found) == MAX_OPTIONS:
                    break
        return tuple(found)

    async def quick_options(self, work_package: WorkPackage, name: str) -> tuple[AllowedValue, ...]:
        """What a quick edit of one link field may pick, from the work package's edit form (the
        statuses its workflow allows…), led by a "none" choice when the field may be cleared;
        () when the field cannot be changed this way."""
        state = await self._post_form(_form_path(work_package), None, {})
        spec = field(state, name)
        if spec is None or not spec.writable or not spec.is_link:
            return ()
        if spec.kind in ("select", "multiselect"):
            return choices(spec)
        if spec.options_href is not None:
            return choices(spec, await self.allowed_values(spec.options_href))
        return ()

    async def quick_update(self, work_package: WorkPackage, name: str, value: Value) -> WorkPackage:
        """PATCH one field with the work package's lockVersion (sent once, never retried)."""
        fields = self._known_fields().get(_form_path(work_package))
        if fields is None:
            fields = await self._schema_fields(work_package)
        body = write_body({name: value}, fields, work_package.lock_version)
        link = work_package.resource.link("updateImmediately")
        target = link.href if link is not None and link.href else work_package.href
        answer = await self.client.write("PATCH", target, body)
        return self._after_write("PATCH", target, answer, work_package.resource.data)

    async def _schema_fields(self, work_package: WorkPackage) -> dict[str, FieldSpec]:
        """Where each property is written, from the standalone schema (shared, cached long)."""
        link = work_package.resource.link("schema")
        if link is None or not link.href:
            return {}
        href = link.href

        async def fetch() -> Any:
            return (await self.client.get(href)).data

        return schema_fields(
            Resource(await self.cache.get(ApiCache.key(href), fetch, ttl=LONG_TTL))
        )

    # after a write

    def _after_write(
        self,
        method: str,
        url: str,
        answer: Resource | None,
        before: Mapping[str, Any] | None,
    ) -> WorkPackage:
        """Keep the saved work package and mark stale what showed the old one."""
        if answer is None:
            raise ApiError(
                "The server answered without the saved work package.", method=method, url=url
            )
        self.cache.put_resource(dict(answer.data))
        self._invalidate_after_work_package_change(answer)
        stale: set[str] = set()
        for body in (before, answer.data):
            if body is None:
                continue
            resource = Resource(body)
            # a move leaves the old project's lists, and parents' children and totals change
            for rel in ("project", "parent"):
                link = resource.link(rel)
                if link is not None and link.href and not link.undisclosed:
                    stale.add(link.href)
        if stale:
            self.cache.invalidate(lambda key: _under_any(key, stale))
        return WorkPackage.from_hal(answer)


def _form_path(work_package: WorkPackage) -> str:
    link = work_package.resource.link("update")
    if link is not None and link.href and link.method == "post":
        return link.href
    return f"{work_package.href.rstrip('/')}/form"


def _under_any(key: str, hrefs: set[str]) -> bool:
    path = key.split("?", 1)[0]
    return any(path == href or path.startswith(href + "/") for href in hrefs)
