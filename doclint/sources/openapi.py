"""The OpenAPI model (SPEC §4.2) of a service: its spec found, loaded, validated and indexed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.openapi_index import index
from doclint.sources.openapi_model import Node, OpenApiModel
from doclint.sources.openapi_refs import Resolver

if TYPE_CHECKING:
    from doclint.project import Project

INVALID = "DL910"
NOT_OPENAPI = "DL911"
#: ``Project.cached`` key of the spec's validation errors (kept in the on-disk cache)
VALIDATION = "openapi-validation"
CANDIDATES = ("openapi.yaml", "openapi.json", "openapi/openapi.yaml")


def spec_path(project: Project) -> Path | None:
    """The service's OpenAPI document: config ``openapi``, else the default candidates."""
    return project.first_existing(project.config.openapi, CANDIDATES)


def openapi(project: Project) -> OpenApiModel | None:
    """The service's OpenAPI model, loaded, validated and indexed once per run."""
    return project.cached("openapi", lambda: _load(project))


def _load(project: Project) -> OpenApiModel | None:
    path = spec_path(project)
    if path is None or not path.is_file():
        return None
    located = project.structured(path)
    if located is None:
        return None
    data = located.data
    version = data.get("openapi") if isinstance(data, dict) else None
    if not isinstance(version, str) or not re.match(r"^3\.[01]\.", version):
        if isinstance(data, dict) and "swagger" in data:
            what = f"a Swagger {data.get('swagger')} document"
            fix = "convert it to OpenAPI 3.0 or 3.1"
            line = located.line_of(["swagger"])
        elif isinstance(data, dict) and "openapi" in data:
            what = f"OpenAPI {data.get('openapi')}"
            fix = "doclint reads OpenAPI 3.0 and 3.1"
            line = located.line_of(["openapi"])
        else:
            what = "not an OpenAPI document (no top-level 'openapi' key)"
            fix = "point the 'openapi' setting at the service's OpenAPI 3.0 or 3.1 document"
            line = 1
        project.add_problem(
            Problem(
                NOT_OPENAPI,
                Finding(
                    Location(located.display, line),
                    f"{located.display} is {what}; {fix}",
                    located.display,
                ),
            )
        )
        return None
    resolver = Resolver(project, path)

    def verdict() -> list[Finding]:
        from doclint.sources.openapi_validation import validate

        spec = project.structured(path)  # read again inside: the verdict depends on it
        return [] if spec is None else validate(project, spec, path, resolver)

    for error in project.cached(VALIDATION, verdict):
        project.add_problem(Problem(INVALID, error))
    info = data.get("info")
    api_version = info.get("version") if isinstance(info, dict) else None
    root = Node(data, located, (), path, resolver.lines(located))
    operations, examples = index(resolver, root)
    return OpenApiModel(
        display=located.display,
        document=located,
        version=str(api_version) if api_version is not None else None,
        operations=tuple(operations),
        openapi_version=version,
        path=path,
        examples=tuple(examples),
        resolver=resolver,
    )


def inspect_json(project: Project) -> dict[str, Any]:
    """The operation index as JSON-able data (``doclint inspect openapi``)."""
    from doclint.inspect import problems

    model = openapi(project)
    if model is None:
        return {"spec": None, "operations": [], "problems": problems(project)}

    def where(location: Location) -> dict[str, Any]:
        return {"file": location.path, "line": location.line}

    return {
        "spec": model.display,
        "openapi": model.openapi_version,
        "version": model.version,
        "operations": [
            {
                "method": op.method,
                "path": op.path,
                "shape": op.shape,
                "operation_id": op.operation_id,
                "deprecated": op.deprecated,
                **where(op.location),
                "parameters": [
                    {
                        "name": p.name,
                        "in": p.where,
                        "required": p.required,
                        "type": p.type.display,
                        **where(p.location),
                    }
                    for p in op.parameters
                ],
                "request_fields": [
                    {
                        "name": f.name,
                        "required": f.required,
                        "type": f.type.display,
                        **where(f.location),
                    }
                    for f in op.request_fields
                ],
                "responses": [
                    {"status": r.status, "error_codes": list(r.error_codes), **where(r.location)}
                    for r in op.responses
                ],
            }
            for op in model.operations
        ],
        "problems": problems(project),
    }
