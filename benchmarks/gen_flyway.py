"""Write a synthetic Flyway migrations folder for benchmarks/bench_flyway.py.

``FILES`` versioned migrations of about five statements each: tables with defaults, an added
column, row-level security with a tenant policy, an index, a comment, and every tenth file an
ALTER of an earlier table, a COMMENT and a DO block. The output depends only on the arguments.

    python benchmarks/gen_flyway.py OUT [--files 1000]
"""

from __future__ import annotations

import argparse
from pathlib import Path

TYPES = ("text", "integer", "bigint", "numeric(12,2)", "timestamptz", "boolean", "uuid", "jsonb")
DEFAULTS = {
    "text": "''",
    "integer": "0",
    "bigint": "-1",
    "numeric(12,2)": "0",
    "timestamptz": "now()",
    "boolean": "false",
    "uuid": "gen_random_uuid()",
    "jsonb": "'{}'::jsonb",
}


def migration(index: int) -> str:
    table = f"table_{index:04d}"
    columns = [
        "    id uuid PRIMARY KEY DEFAULT gen_random_uuid()",
        "    tenant_id uuid NOT NULL",
    ]
    for position in range(6):
        kind = TYPES[(index + position) % len(TYPES)]
        null = " NOT NULL" if position % 2 else ""
        default = f" DEFAULT {DEFAULTS[kind]}" if position % 3 == 0 else ""
        columns.append(f"    col_{position} {kind}{null}{default}")
    parts = [
        f"-- migration {index}: {table}",
        f"CREATE TABLE {table} (\n" + ",\n".join(columns) + "\n);",
        f"ALTER TABLE {table} ADD COLUMN note varchar(200), ENABLE ROW LEVEL SECURITY;",
        f"CREATE POLICY {table}_tenant ON {table} FOR ALL TO PUBLIC\n"
        f"    USING (tenant_id = current_setting('app.tenant_id')::uuid);",
        f"CREATE INDEX {table}_tenant_idx ON {table} (tenant_id);",
        f"COMMENT ON COLUMN {table}.col_0 IS 'First column of {table}';",
    ]
    if index % 10 == 0 and index > 0:
        earlier = f"table_{index - 5:04d}"
        parts += [
            f"ALTER TABLE {earlier} ALTER COLUMN note TYPE text, ALTER COLUMN col_0 DROP DEFAULT;",
            f"COMMENT ON TABLE {earlier} IS 'Altered by migration {index}';",
            "DO $$ BEGIN PERFORM 1; END $$;",
        ]
    return "\n".join(parts) + "\n"


def generate(out: Path, files: int) -> int:
    """Write ``files`` migrations under ``out/db/migration``; returns the statement count."""
    folder = out / "db" / "migration"
    folder.mkdir(parents=True, exist_ok=True)
    statements = 0
    for index in range(files):
        text = migration(index)
        statements += text.count(";\n")
        (folder / f"V{index + 1}__step_{index:04d}.sql").write_text(text, encoding="utf-8")
    return statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    count = generate(args.out, args.files)
    print(f"{args.files} files, {count} statements in {args.out / 'db' / 'migration'}")


if __name__ == "__main__":
    main()
