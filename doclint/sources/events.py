"""The event registry (SPEC §4.5): ``events/registry.yaml`` or an AsyncAPI 2.x/3.x document,
read into one model of events, each with its direction, payload schema, owner and line.

AsyncAPI 2.x describes operations from the client's side: the application publishes the
messages of ``subscribe`` operations and consumes those of ``publish`` operations. In 3.x it
publishes what it ``send``s and consumes what it ``receive``s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from doclint.diagnostics import Finding, Location, Problem
from doclint.sources.jsonschema import REF_UNRESOLVED, SchemaStore, is_file, store
from doclint.sources.schema_nodes import Node, Where
from doclint.sources.schema_types import fields_of
from doclint.sources.structured import Located

if TYPE_CHECKING:
    from doclint.project import Project

INVALID_REGISTRY = "DL924"

PUBLISH = "publish"
CONSUME = "consume"
CANDIDATES = (
    "events/registry.yaml",
    "events/registry.yml",
    "events/asyncapi.yaml",
    "events/asyncapi.yml",
    "events/asyncapi.json",
    "asyncapi.yaml",
    "asyncapi.yml",
    "asyncapi.json",
)
_JSON_SCHEMA_FORMATS = ("application/schema+json", "application/vnd.aai.asyncapi")


@dataclass(frozen=True, slots=True)
class Event:
    """One event the service publishes or consumes."""

    name: str
    direction: str
    schema: str | None
    owner: str | None
    description: str | None
    location: Location
    channel: str | None = None


@dataclass(frozen=True, slots=True)
class EventsModel:
    """The events of a service and where they are declared."""

    display: str
    path: Path
    kind: str
    version: str | None
    events: tuple[Event, ...]

    _by_name: dict[str, Event] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, Event] = {}
        for event in sorted(self.events, key=lambda e: e.direction != PUBLISH):
            by_name.setdefault(event.name.casefold(), event)
        object.__setattr__(self, "_by_name", by_name)

    def named(self, name: str) -> Event | None:
        """The event called ``name`` (case-insensitive), publish before consume."""
        return self._by_name.get(name.casefold())

    @property
    def published(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.direction == PUBLISH)

    @property
    def consumed(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.direction == CONSUME)


def events(project: Project) -> EventsModel | None:
    """The service's events; None when it has no registry or AsyncAPI document."""
    return project.cached("events", lambda: _load(project))


def source_path(project: Project) -> Path | None:
    configured = project.config.events
    if configured is not None:
        path = project.root / configured
        if path.is_dir():
            for name in ("registry.yaml", "registry.yml", "asyncapi.yaml", "asyncapi.yml"):
                if is_file(path / name):
                    return path / name
            return None
        return path
    return project.first_existing(None, CANDIDATES)


def _load(project: Project) -> EventsModel | None:
    path = source_path(project)
    if path is None or not is_file(path):
        return None
    schemas = store(project)
    located = schemas.document(path, schema=False)
    if located is None:
        return None
    reader = _Reader(project, schemas, located, path.resolve())
    data = located.data
    if isinstance(data, dict) and "asyncapi" in data:
        version = str(data["asyncapi"])
        if version.startswith("2."):
            found = reader.asyncapi2()
        elif version.startswith("3."):
            found = reader.asyncapi3()
        else:
            reader.problem(
                ["asyncapi"],
                f"AsyncAPI version '{version}' is not supported; doclint reads 2.x and 3.x",
            )
            found = []
        kind = "asyncapi"
    else:
        found = reader.registry()
        version = None
        kind = "registry"
    # Every schema file next to the registry is checked, even one no event names yet.
    folder = path.parent / "schemas"
    if folder.is_dir():
        for schema_file in project.glob([f"{project.rel(folder)}/**/*.json"]):
            schemas.document(schema_file)
    unique: dict[tuple[str, str], Event] = {}
    for event in found:
        unique.setdefault((event.name, event.direction), event)
    return EventsModel(located.display, path.resolve(), kind, version, tuple(unique.values()))


class _Reader:
    def __init__(self, project: Project, schemas: SchemaStore, located: Located, path: Path):
        self.project = project
        self.schemas = schemas
        self.located = located
        self.path = path
        self.uri = schemas.uri(path)

    def problem(self, pointer: list[str | int], message: str, subject: str | None = None) -> None:
        self.project.add_problem(
            Problem(
                INVALID_REGISTRY,
                Finding(self.located.location(pointer), message, subject or self.located.display),
            )
        )

    # -- registry.yaml -------------------------------------------------------------------
    def registry(self) -> list[Event]:
        data = self.located.data
        items: Any = data.get("events") if isinstance(data, dict) else data
        if not isinstance(items, list):
            where: list[str | int] = ["events"] if isinstance(data, dict) else []
            self.problem(
                where,
                "the event registry needs an 'events' list (each item with name, schema, "
                "direction)",
            )
            return []
        prefix: list[str | int] = ["events"] if isinstance(data, dict) else []
        found: list[Event] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(items):
            pointer = [*prefix, index]
            if not isinstance(item, dict):
                self.problem(pointer, "each registry entry is a mapping with name and schema")
                continue
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                self.problem(pointer, "registry entry has no 'name'; name the event")
                continue
            if name in seen:
                self.problem(
                    [*pointer, "name"],
                    f"event '{name}' is listed twice (first at line {seen[name]}); keep one",
                    name,
                )
                continue
            seen[name] = self.located.line_of([*pointer, "name"])
            direction = item.get("direction", PUBLISH)
            if direction not in (PUBLISH, CONSUME):
                self.problem(
                    [*pointer, "direction"],
                    f"event '{name}': direction '{direction}' is neither 'publish' nor 'consume'",
                    name,
                )
                continue
            schema = self._schema_file(item.get("schema"), [*pointer, "schema"], name)
            found.append(
                Event(
                    name,
                    direction,
                    schema,
                    _text(item.get("owner")),
                    _text(item.get("description")),
                    self.located.location([*pointer, "name"]),
                )
            )
        return found

    def _schema_file(self, value: Any, pointer: list[str | int], name: str) -> str | None:
        if value is None:
            self.problem(
                pointer[:-1], f"event '{name}' has no 'schema'; give its JSON Schema", name
            )
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(pointer, f"event '{name}': 'schema' must be a file path", name)
            return None
        target = urljoin(self.uri, value)
        location = self.located.location(pointer)
        refused = self.schemas.refuse(target, location, f"schema '{value}' of event '{name}'")
        if refused is not None:
            self.project.add_problem(refused)
            return None
        local = self.schemas.local_path(target)
        if local is None or not is_file(local):
            self.project.add_problem(
                Problem(
                    REF_UNRESOLVED,
                    Finding(
                        location,
                        f"schema '{value}' of event '{name}' does not exist; fix the path "
                        "(relative to the registry) or add the file",
                        name,
                    ),
                )
            )
            return None
        self.schemas.document(local)
        return target

    # -- AsyncAPI --------------------------------------------------------------------------
    def _node(self, pointer: tuple[str | int, ...]) -> Node | None:
        return self.schemas.resolve(f"{self.uri}#{_fragment(pointer)}")

    def _deref(self, node: Node) -> tuple[Node, str | None]:
        """Follow ``$ref`` chains; also return the last components.messages key passed."""
        key = _message_key(node)
        for _ in range(16):
            ref = node.contents.get("$ref") if isinstance(node.contents, dict) else None
            if not isinstance(ref, str):
                break
            target = self.schemas.follow(node, ref)
            if target is None:
                break
            node = target
            key = _message_key(node) or key
        return node, key

    def _messages(self, holder: Node, key: str) -> list[Node]:
        """The message nodes of an operation's or channel's ``message``/``messages``."""
        value = holder.contents.get(key) if isinstance(holder.contents, dict) else None
        out = []
        if isinstance(value, dict) and isinstance(value.get("oneOf"), list):
            for index in range(len(value["oneOf"])):
                out.append(self._sub(holder, (key, "oneOf", index)))
        elif isinstance(value, dict) and key == "messages":
            for name in value:
                out.append(self._sub(holder, (key, str(name))))
        elif isinstance(value, list):
            for index in range(len(value)):
                out.append(self._sub(holder, (key, index)))
        elif isinstance(value, dict):
            out.append(self._sub(holder, (key,)))
        return out

    def _sub(self, node: Node, path: tuple[str | int, ...]) -> Node:
        value: Any = node.contents
        for part in path:
            value = value[part]
        return Node(
            value,
            node.resolver,
            node.base,
            Where(node.where.path, (*node.where.pointer, *path)),
        )

    def _event(
        self, message: Node, direction: str, channel: str | None, owner: str | None
    ) -> Event | None:
        resolved, key = self._deref(message)
        contents = resolved.contents
        if not isinstance(contents, dict):
            return None
        name = _text(contents.get("name")) or key or channel
        if name is None:
            return None
        schema: str | None = None
        if "payload" in contents:
            payload: tuple[str | int, ...] = ("payload",)
            value = contents["payload"]
            schema_format = contents.get("schemaFormat")
            if isinstance(value, dict) and "schemaFormat" in value and "schema" in value:
                schema_format = value.get("schemaFormat")
                payload = ("payload", "schema")
            if schema_format is None or str(schema_format).startswith(_JSON_SCHEMA_FORMATS):
                schema = self._uri_of(self._sub(resolved, payload))
        location = self.schemas.location(resolved.where) or self.located.location([])
        if isinstance(contents.get("name"), str) and resolved.where.path is not None:
            location = (
                self.schemas.location(Where(resolved.where.path, (*resolved.where.pointer, "name")))
                or location
            )
        return Event(
            name,
            direction,
            schema,
            _text(contents.get("x-owner")) or owner,
            _text(contents.get("description")) or _text(contents.get("summary")),
            location,
            channel,
        )

    def _uri_of(self, node: Node) -> str | None:
        ref = node.contents.get("$ref") if isinstance(node.contents, dict) else None
        if isinstance(ref, str) and set(node.contents) == {"$ref"}:
            target = urljoin(node.base, ref)
            return target if self.schemas.local_path(target) is not None else None
        if node.where.path is None:
            return None
        return f"{self.schemas.uri(node.where.path)}#{_fragment(node.where.pointer)}"

    def asyncapi2(self) -> list[Event]:
        channels = self.located.data.get("channels")
        if not isinstance(channels, dict):
            self.problem([], "AsyncAPI document has no 'channels' mapping")
            return []
        found = []
        for address in channels:
            channel = self._node(("channels", str(address)))
            if channel is None or not isinstance(channel.contents, dict):
                continue
            channel, _ = self._deref(channel)
            if not isinstance(channel.contents, dict):
                continue
            for verb, direction in (("subscribe", PUBLISH), ("publish", CONSUME)):
                operation = channel.contents.get(verb)
                if not isinstance(operation, dict):
                    continue
                op_node = self._sub(channel, (verb,))
                owner = _text(operation.get("x-owner"))
                for message in self._messages(op_node, "message"):
                    event = self._event(message, direction, str(address), owner)
                    if event is not None:
                        found.append(event)
        return found

    def asyncapi3(self) -> list[Event]:
        operations = self.located.data.get("operations")
        if not isinstance(operations, dict):
            self.problem([], "AsyncAPI 3 document has no 'operations' mapping")
            return []
        found = []
        for key, operation in operations.items():
            op_node = self._node(("operations", str(key)))
            if op_node is None or not isinstance(operation, dict):
                continue
            op_node, _ = self._deref(op_node)
            if not isinstance(op_node.contents, dict):
                continue
            action = op_node.contents.get("action")
            if action not in ("send", "receive"):
                self.problem(
                    ["operations", str(key), "action"]
                    if "action" in operation
                    else ["operations", str(key)],
                    f"operation '{key}': action must be 'send' or 'receive'",
                )
                continue
            direction = PUBLISH if action == "send" else CONSUME
            channel_value = op_node.contents.get("channel")
            if not isinstance(channel_value, dict):
                self.problem(["operations", str(key)], f"operation '{key}' names no channel")
                continue
            channel, _ = self._deref(self._sub(op_node, ("channel",)))
            address = None
            if isinstance(channel.contents, dict):
                address = _text(channel.contents.get("address"))
                if (
                    address is None
                    and channel.where.pointer[:1] == ("channels",)
                    and len(channel.where.pointer) == 2
                ):
                    address = str(channel.where.pointer[1])
            owner = _text(op_node.contents.get("x-owner"))
            messages = (
                self._messages(op_node, "messages")
                if "messages" in op_node.contents
                else self._messages(channel, "messages")
            )
            for message in messages:
                event = self._event(message, direction, address, owner)
                if event is not None:
                    found.append(event)
        return found


def _fragment(pointer: tuple[str | int, ...]) -> str:
    """A JSON pointer as a URI fragment (``~`` and ``/`` escaped)."""
    return "".join(f"/{str(p).replace('~', '~0').replace('/', '~1')}" for p in pointer)


def _message_key(node: Node) -> str | None:
    pointer = node.where.pointer
    if len(pointer) == 3 and pointer[:2] == ("components", "messages"):
        return str(pointer[2])
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def inspect_json(project: Project) -> dict[str, Any]:
    """The events model with each payload's flattened fields, for ``doclint inspect events``."""
    from doclint.inspect import problems

    model = events(project)
    schemas = store(project)
    listed = []
    for event in model.events if model is not None else ():
        fields = []
        node = schemas.resolve(event.schema) if event.schema else None
        if node is not None:
            fields = [
                {
                    "path": f.path,
                    "type": f.type_text,
                    "required": f.required,
                    "line": f.location.line,
                    "file": f.location.path,
                }
                for f in fields_of(schemas, node)
            ]
        schema_location = schemas.location(node.where) if node is not None else None
        listed.append(
            {
                "name": event.name,
                "direction": event.direction,
                "owner": event.owner,
                "description": event.description,
                "channel": event.channel,
                "path": event.location.path,
                "line": event.location.line,
                "schema": (
                    {"path": schema_location.path, "line": schema_location.line}
                    if schema_location is not None
                    else None
                ),
                "fields": fields,
            }
        )
    return {
        "source": model.display if model is not None else None,
        "kind": model.kind if model is not None else None,
        "asyncapi": model.version if model is not None else None,
        "events": listed,
        "problems": problems(project),
    }
