#!/usr/bin/env bash
# Seeds a local database with two demo tenants (one EU, one US), their monthly budgets,
# the guest_reply.draft prompt with an active version, and provider routes.
# Idempotent: run it again after `make migrate` or after recreating the database.
#
# It connects as the migration owner, which the local container makes a superuser, so
# row-level security does not hide the rows it writes. Never point it at a shared database.
set -euo pipefail

SEED_DATABASE_URL="${SEED_DATABASE_URL:-postgres://orchestrator:orchestrator@localhost:5432/ai_orchestrator}"

case "$SEED_DATABASE_URL" in
  *@localhost:*|*@127.0.0.1:*) ;;
  *)
    echo "seed.sh: refusing to seed a non-local database ($SEED_DATABASE_URL)" >&2
    exit 1
    ;;
esac

EU_TENANT=6f1c2a9e-3b47-4d8e-9a51-2c7e0b4f8d13   # Harbourline Hotels (EU residency)
US_TENANT=b2e8d4a1-7c35-4f60-8e29-91d3a6c5e7f4   # Sierra Pines Lodges (US residency)
PROMPT_ID=0d4b7e52-18a9-4c6f-b3e1-5a2f9c8d7e60

psql -X "$SEED_DATABASE_URL" -v ON_ERROR_STOP=1 --single-transaction -q \
  -v eu="$EU_TENANT" -v us="$US_TENANT" -v prompt="$PROMPT_ID" <<'SQL'
INSERT INTO tenants (id, name, data_region)
VALUES (:'eu', 'Harbourline Hotels', 'europe-west1'),
       (:'us', 'Sierra Pines Lodges', 'us-central1')
ON CONFLICT (id) DO NOTHING;

-- 250 USD and 100 USD for the current month, in micro-USD.
INSERT INTO budgets (tenant_id, period_start, limit_micros, soft_threshold_pct)
VALUES (:'eu', date_trunc('month', now() AT TIME ZONE 'UTC')::date, 250000000, 80),
       (:'us', date_trunc('month', now() AT TIME ZONE 'UTC')::date, 100000000, 80)
ON CONFLICT (tenant_id, period_start) DO NOTHING;

INSERT INTO prompts (id, tenant_id, key, purpose)
VALUES (:'prompt', :'eu', 'guest_reply.draft', 'reply_draft')
ON CONFLICT (id) DO NOTHING;

INSERT INTO prompt_versions (tenant_id, prompt_id, version, template, status)
VALUES (:'eu', :'prompt', 1,
        'You draft replies for the front desk of {{property_name}}. Answer in {{locale}}, '
        'be brief and friendly, and never promise what the hotel policy does not allow.'
        || E'\n\nConversation so far:\n{{transcript}}',
        'active')
ON CONFLICT (prompt_id, version) DO NOTHING;

INSERT INTO provider_routes (tenant_id, purpose, priority, provider, model, region, timeout_ms)
VALUES (:'eu', 'reply_draft', 1, 'vertex-anthropic', 'claude-3-5-sonnet@20240620', 'europe-west1', 30000),
       (:'us', 'reply_draft', 1, 'vertex-anthropic', 'claude-3-5-sonnet@20240620', 'us-east5', 30000),
       (:'us', 'reply_draft', 2, 'openai', 'gpt-4o-2024-08-06', 'us', 30000)
ON CONFLICT (tenant_id, purpose, priority) DO NOTHING;
SQL

echo "Seeded tenants:"
echo "  $EU_TENANT  Harbourline Hotels (europe-west1)"
echo "  $US_TENANT  Sierra Pines Lodges (us-central1)"
echo "Use one of these ids as x-dev-tenant-id when calling the local service."
