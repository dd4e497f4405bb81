"""Write synthetic, fully consistent services for doclint's benchmarks.

A generated service starts from ``sample_service/`` (so that every convention the sample
follows holds) and grows it to scale N: about 100·N operations, 40·N tables, 50·N migrations,
30·N error codes, 30·N events and 30·N metrics, each documented where SPEC §4 says. The output
depends only on the sample, N and the seed.

    python benchmarks/generate.py service OUT [--scale N] [--seed S]
    python benchmarks/generate.py monorepo OUT [--services M] [--scale N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

SAMPLE = Path(__file__).resolve().parent.parent / "sample_service"
SKIP = shutil.ignore_patterns(".doclint_cache", "__pycache__", ".git")

OPERATIONS, TABLES, MIGRATIONS, CODES, EVENTS, METRICS = 100, 40, 50, 30, 30, 30
STATUSES = (400, 404, 409, 422, 429, 503)
REASONS = {
    400: "INVALID",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "REJECTED",
    429: "THROTTLED",
    503: "UNAVAILABLE",
}
WORDS = (
    "ledger",
    "invoice",
    "voucher",
    "channel",
    "folio",
    "quota",
    "persona",
    "webhook",
    "snippet",
    "digest",
    "ticket",
    "review",
    "tariff",
    "cohort",
    "report",
    "dataset",
)
# (SQL type, documented type, OpenAPI/JSON Schema type, format, default SQL, default doc)
COLUMN_TYPES = (
    ("text", "text", "string", None),
    ("integer", "integer", "integer", None),
    ("bigint", "bigint", "integer", "int64"),
    ("boolean", "boolean", "boolean", None),
    ("timestamptz", "timestamptz", "string", "date-time"),
    ("varchar(64)", "varchar(64)", "string", None),
    ("numeric(12,2)", "numeric(12,2)", "number", None),
    ("jsonb", "jsonb", "object", None),
)
METRIC_KINDS = (
    ("createCounter", "counter", "{item}"),
    ("createHistogram", "histogram", "ms"),
    ("createUpDownCounter", "up_down_counter", "{item}"),
)


@dataclass
class Code:
    name: str
    status: int
    retryable: bool


@dataclass
class Field:
    name: str
    sql: str
    doc: str
    json_type: str
    fmt: str | None
    required: bool


@dataclass
class Table:
    name: str
    columns: list[Field] = field(default_factory=list)


def _type_text(f: Field) -> str:
    return f"string({f.fmt})" if f.json_type == "string" and f.fmt else f.json_type


def _schema(f: Field) -> dict[str, object]:
    schema: dict[str, object] = {"type": f.json_type}
    if f.fmt:
        schema["format"] = f.fmt
    return schema


class Generator:
    """Grows a copy of the sample service to scale ``scale``."""

    def __init__(self, root: Path, scale: int, seed: int) -> None:
        self.root = root
        self.scale = scale
        self.rng = random.Random(seed * 7919 + scale)
        self.prefix = "GEN"

    # -- helpers --------------------------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> None:
        target = self.path(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def word(self, index: int) -> str:
        return f"{WORDS[index % len(WORDS)]}{index:04d}"

    def fields(self, count: int) -> list[Field]:
        found = []
        for i in range(count):
            sql, doc, json_type, fmt = COLUMN_TYPES[self.rng.randrange(len(COLUMN_TYPES))]
            found.append(Field(f"attr_{i}", sql, doc, json_type, fmt, self.rng.random() < 0.5))
        return found

    # -- the whole service ----------------------------------------------------------------
    def run(self) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        shutil.copytree(SAMPLE, self.root, ignore=SKIP)
        codes = self.error_codes()
        self.operations(codes)
        self.data_model()
        self.events()
        self.metrics()

    # -- error codes ----------------------------------------------------------------------
    def error_codes(self) -> list[Code]:
        existing = len(
            re.findall(r"^\| `[A-Z_]+` \| \d{3} ", self.read("docs/ERROR_CODES.md"), re.M)
        )
        codes = []
        for i in range(max(0, CODES * self.scale - existing)):
            status = STATUSES[i % len(STATUSES)]
            name = f"{self.prefix}_{self.word(i).upper()}_{REASONS[status]}"
            codes.append(Code(name, status, status in (429, 503)))
        rows = [
            f"| `{c.name}` | {c.status} | The {c.name.lower()} condition was met. | "
            f"{'yes' if c.retryable else 'no'} |"
            for c in codes
        ]
        self.insert_rows("docs/ERROR_CODES.md", "| Code | HTTP |", rows)
        failure = [
            f"| `{c.name}` | The {c.name.lower()} condition was met | Refuse the request and "
            f"log the reason; the caller {'retries with backoff' if c.retryable else 'fixes it'}."
            " | None |"
            for c in codes
        ]
        self.insert_rows("docs/FAILURE_MODES.md", "| Code | When it happens |", failure)
        for c in codes:
            self.write(
                f"docs/runbooks/{c.name}.md",
                f"# Runbook: {c.name} ({c.status})\n\n"
                f"Requests fail with `{c.name}` when the condition it names is met.\n\n"
                "## Symptoms\n\n- The errors-by-code panel shows this code rising.\n\n"
                "## Diagnosis\n\n1. Filter the logs on the code and read the request ids.\n\n"
                "## Mitigation\n\n- Roll back the last revision if the rise followed a deploy.\n\n"
                "## Escalation\n\n- The service tech lead, as an incident if tenants are hurt.\n",
            )
        return codes

    def insert_rows(self, rel: str, header: str, rows: list[str]) -> None:
        """Append ``rows`` to the markdown table whose header line starts with ``header``."""
        lines = self.read(rel).split("\n")
        start = next(i for i, line in enumerate(lines) if line.startswith(header))
        end = start
        while end + 1 < len(lines) and lines[end + 1].startswith("|"):
            end += 1
        lines[end + 1 : end + 1] = rows
        self.write(rel, "\n".join(lines))

    def insert_before_heading(self, rel: str, heading: str | None, block: str) -> None:
        """Insert ``block`` before the line ``heading`` (None: at the end of the document)."""
        text = self.read(rel)
        if heading is not None and f"\n{heading}\n" in text:
            at = text.index(f"\n{heading}\n") + 1
            text = text[:at] + block + "\n" + text[at:]
        else:
            text = text.rstrip("\n") + "\n\n" + block
        self.write(rel, text)

    # -- operations -----------------------------------------------------------------------
    def operations(self, codes: list[Code]) -> None:
        spec = self.read("openapi.yaml")
        existing = len(re.findall(r"^    (get|put|post|delete|patch):", spec, re.M))
        count = max(0, OPERATIONS * self.scale - existing)
        paths: list[str] = []
        rows: list[str] = []
        sections: list[str] = []
        for i in range(count // 2 + count % 2):
            resource = f"/v1/{self.word(i)}s"
            body = self.fields(4)
            code = codes[i % len(codes)] if codes else None
            ops = [("post", resource, body), ("get", resource + "/{itemId}", None)]
            if i == count // 2:
                ops = ops[:1]
            for method, url, fields in ops:
                paths.append(self.path_yaml(method, url, fields, code, i))
                title = f"{'Create' if method == 'post' else 'Read'} a {self.word(i)}"
                rows.append(f"| {method.upper()} | `{url}` | {title} |")
                sections.append(self.operation_doc(method, url, title, fields, code))
        spec = spec.replace("\ncomponents:\n", "\n" + "".join(paths) + "components:\n", 1)
        self.write("openapi.yaml", spec)
        self.insert_rows("docs/API_CONTRACTS.md", "| Method | Path |", rows)
        self.insert_before_heading(
            "docs/API_CONTRACTS.md", None, "## Generated resources\n\n" + "\n".join(sections)
        )

    def path_yaml(
        self, method: str, url: str, fields: list[Field] | None, code: Code | None, index: int
    ) -> str:
        out = [f"  {url}:\n"] if method == "post" or "{" in url else []
        if method == "get":
            out = [
                f"  {url}:\n",
                "    parameters:\n",
                "      - name: itemId\n        in: path\n        required: true\n",
                "        schema:\n          type: string\n          format: uuid\n",
            ]
        op_id = f"{method}{self.word(index).capitalize()}"
        out.append(f"    {method}:\n      operationId: {op_id}\n      summary: {op_id}\n")
        if fields is not None:
            props = "".join(
                f"                {f.name}:\n"
                + "".join(f"                  {k}: {v}\n" for k, v in _schema(f).items())
                for f in fields
            )
            required = [f.name for f in fields if f.required] or [fields[0].name]
            for f in fields:
                f.required = f.name in required
            out.append(
                "      requestBody:\n        required: true\n        content:\n"
                "          application/json:\n            schema:\n"
                "              type: object\n"
                f"              required: [{', '.join(required)}]\n"
                f"              properties:\n{props}"
            )
        ok = "201" if method == "post" else "200"
        out.append(
            f'      responses:\n        "{ok}":\n          description: Done.\n'
            '        "401":\n          $ref: "#/components/responses/Unauthenticated"\n'
        )
        if code is not None:
            out.append(
                f'        "{code.status}":\n          description: The request failed.\n'
                f"          x-error-codes: [{code.name}]\n"
                "          content:\n            application/json:\n              schema:\n"
                '                $ref: "#/components/schemas/Error"\n'
            )
        return "".join(out)

    def operation_doc(
        self, method: str, url: str, title: str, fields: list[Field] | None, code: Code | None
    ) -> str:
        lines = [f"### {method.upper()} {url} — {title}", "", f"{title} of the tenant.", ""]
        if method == "get":
            lines += [
                "| Name | In | Type | Required | Description |",
                "|---|---|---|---|---|",
                "| `itemId` | path | string(uuid) | yes | Item id |",
                "",
            ]
        if fields is not None:
            lines += [
                "**Request body** (`application/json`)",
                "",
                "| Field | Type | Required | Description |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| `{f.name}` | {_type_text(f)} | {'yes' if f.required else 'no'} | "
                f"Attribute {f.name} |"
                for f in fields
            ]
            lines.append("")
        ok = "201" if method == "post" else "200"
        lines += [
            "**Responses**",
            "",
            "| Status | Description | Error codes |",
            "|---|---|---|",
            f"| {ok} | Done. | - |",
            "| 401 | The bearer token is missing, expired or not trusted. | `AI_UNAUTHENTICATED` |",
        ]
        if code is not None:
            lines.append(f"| {code.status} | The request failed. | `{code.name}` |")
        lines.append("")
        return "\n".join(lines) + "\n"

    # -- data model -----------------------------------------------------------------------
    def data_model(self) -> None:
        folder = self.path("db/migration")
        versioned = [p for p in folder.glob("V*__*.sql")]
        newest = max(int(p.name[1:].split("__")[0].split(".")[0]) for p in versioned)
        doc = self.read("docs/DATA_MODEL.md")
        existing = len(re.findall(r"^### ", doc.split("\n## Views")[0], re.M))
        tables: list[Table] = []
        for i in range(max(0, TABLES * self.scale - existing)):
            table = Table(f"gen_{self.word(i)}s")
            table.columns = [
                Field("id", "uuid", "uuid", "string", "uuid", True),
                Field("tenant_id", "uuid", "uuid", "string", "uuid", True),
                *self.fields(4),
                Field("created_at", "timestamptz", "timestamptz", "string", "date-time", True),
            ]
            tables.append(table)
        count = max(len(tables), MIGRATIONS * self.scale - len(versioned) - 1)
        version = newest
        added: list[tuple[Table, Field]] = []
        for i in range(count):
            version += 1
            if i < len(tables):
                self.write(
                    f"db/migration/V{version}__create_{tables[i].name}.sql",
                    self.create_sql(tables[i]),
                )
            else:
                table = tables[(i - len(tables)) % len(tables)] if tables else None
                if table is None:
                    break
                column = Field(f"extra_{i}", "text", "text", "string", None, False)
                table.columns.append(column)
                added.append((table, column))
                self.write(
                    f"db/migration/V{version}__add_{column.name}.sql",
                    f"-- Adds {column.name} to {table.name}.\n\n"
                    f"ALTER TABLE {table.name} ADD COLUMN {column.name} text;\n",
                )
        sections = [self.table_doc(t) for t in tables]
        self.insert_before_heading("docs/DATA_MODEL.md", "## Views", "\n".join(sections))
        for rel in ("docs/DATA_MODEL.md", "docs/MIGRATION_PLAN.md"):
            self.write(rel, re.sub(rf"\bV{newest}\b", f"V{version}", self.read(rel)))

    def create_sql(self, table: Table) -> str:
        cols = []
        for c in table.columns:
            extra = " PRIMARY KEY DEFAULT gen_random_uuid()" if c.name == "id" else ""
            if c.name == "created_at":
                extra = " NOT NULL DEFAULT now()"
            elif c.name != "id" and c.required:
                extra = " NOT NULL"
            cols.append(f"    {c.name} {c.sql}{extra}")
        name = table.name
        return (
            f"-- {name}: generated tenant table.\n\n"
            f"CREATE TABLE {name} (\n" + ",\n".join(cols) + "\n);\n\n"
            f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY;\n"
            f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY;\n\n"
            f"CREATE POLICY {name}_tenant_isolation ON {name}\n"
            "    FOR ALL TO app_user\n"
            "    USING (tenant_id = current_setting('app.tenant_id')::uuid)\n"
            "    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);\n"
        )

    def table_doc(self, table: Table) -> str:
        lines = [
            f"### Table `{table.name}`",
            "",
            "A generated tenant table.",
            "",
            "| Column | Type | Nullable | Default | Description |",
            "|---|---|---|---|---|",
        ]
        for c in table.columns:
            default = {"id": "`gen_random_uuid()`", "created_at": "`now()`"}.get(c.name, "")
            nullable = "no" if c.required or c.name == "id" else "yes"
            lines.append(f"| `{c.name}` | {c.doc} | {nullable} | {default} | Column {c.name} |")
        using = "`tenant_id = current_setting('app.tenant_id')::uuid`"
        lines += [
            "",
            "RLS: enabled, forced",
            "",
            "| Policy | Command | Roles | Using | With check |",
            "|---|---|---|---|---|",
            f"| `{table.name}_tenant_isolation` | ALL | app_user | {using} | {using} |",
            "",
        ]
        return "\n".join(lines) + "\n"

    # -- events ---------------------------------------------------------------------------
    def events(self) -> None:
        registry = self.read("events/registry.yaml")
        existing = registry.count("  - name: ")
        entries = []
        sections = []
        for i in range(max(0, EVENTS * self.scale - existing)):
            name = f"gen.{self.word(i)}.changed.v1"
            fields = [
                Field("event_id", "", "", "string", "uuid", True),
                Field("tenant_id", "", "", "string", "uuid", True),
                Field("occurred_at", "", "", "string", "date-time", True),
                *self.fields(4),
            ]
            schema = {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": name,
                "type": "object",
                "properties": {f.name: _schema(f) for f in fields},
                "required": [f.name for f in fields if f.required],
            }
            self.write(f"events/schemas/{name}.json", json.dumps(schema, indent=2) + "\n")
            entries.append(
                f"  - name: {name}\n    schema: schemas/{name}.json\n    direction: publish\n"
                "    owner: ai-orchestrator\n"
                f"    description: A generated {self.word(i)} changed.\n"
            )
            rows = [
                f"| `{f.name}` | {_type_text(f)} | {'yes' if f.required else 'no'} | "
                f"Field {f.name}. |"
                for f in fields
            ]
            sections.append(
                f"### `{name}` — {self.word(i)} changed\n\nEmitted when a {self.word(i)} "
                "changes.\n\n| Field | Type | Required | Description |\n|---|---|---|---|\n"
                + "\n".join(rows)
                + "\n"
            )
        self.write("events/registry.yaml", registry.rstrip("\n") + "\n" + "".join(entries))
        self.insert_before_heading(
            "docs/EVENT_SCHEMAS.md", "## Consumed events", "\n".join(sections)
        )

    # -- metrics --------------------------------------------------------------------------
    def metrics(self) -> None:
        doc = self.read("docs/OBSERVABILITY.md")
        metrics_part = doc.split("\n## SLOs")[0]
        existing = len(re.findall(r"^\| `[a-z_.]+` \|", metrics_part, re.M))
        source = [
            "import { metrics } from '@opentelemetry/api';",
            "",
            "const meter = metrics.getMeter('ai-orchestrator-service', '1.4.0');",
            "",
        ]
        rows = []
        for i in range(max(0, METRICS * self.scale - existing)):
            create, kind, unit = METRIC_KINDS[i % len(METRIC_KINDS)]
            name = f"gen.{self.word(i)}.{kind}"
            source += [
                f"export const m{i} = meter.{create}('{name}', {{",
                f"  description: 'Generated {kind} {i}',",
                f"  unit: '{unit}',",
                "});",
                "",
            ]
            rows.append(f"| `{name}` | {kind} | `{unit}` | tenant.tier | Generated {kind} {i}. |")
        self.write("src/telemetry/generated.ts", "\n".join(source))
        self.insert_rows("docs/OBSERVABILITY.md", "| Metric | Type |", rows)


def service(root: Path, scale: int = 1, seed: int = 0) -> Path:
    """Write a service of scale ``scale`` at ``root`` (replacing what is there)."""
    Generator(root, scale, seed).run()
    return root


def monorepo(root: Path, services: int, scale: int = 1, seed: int = 0) -> list[Path]:
    """Write ``services`` services of scale ``scale`` under ``root``/services/."""
    if root.exists():
        shutil.rmtree(root)
    roots = [root / "services" / f"svc-{i:03d}" for i in range(services)]
    for i, folder in enumerate(roots):
        service(folder, scale, seed + i)
    return roots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["service", "monorepo"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.kind == "service":
        service(args.out, args.scale, args.seed)
    else:
        monorepo(args.out, args.services, args.scale, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
