"""The API layer: client, cache, services, typed errors and models. Never imports the UI."""

from __future__ import annotations

from optui.api.cache import ApiCache
from optui.api.client import Credentials, OpenProjectClient, RetryPolicy
from optui.api.errors import (
    ApiError,
    FieldError,
    InvalidInput,
    MissingPermission,
    NotFound,
    ProtocolError,
    RateLimited,
    ServerFailure,
    ServerUnreachable,
    Unauthenticated,
    UpdateConflict,
)
from optui.api.models import Project, User
from optui.api.services import Services

__all__ = [
    "ApiCache",
    "ApiError",
    "Credentials",
    "FieldError",
    "InvalidInput",
    "MissingPermission",
    "NotFound",
    "OpenProjectClient",
    "Project",
    "ProtocolError",
    "RateLimited",
    "RetryPolicy",
    "ServerFailure",
    "ServerUnreachable",
    "Services",
    "Unauthenticated",
    "UpdateConflict",
    "User",
]
