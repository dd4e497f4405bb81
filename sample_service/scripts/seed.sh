#!/usr/bin/env bash
# Seeds a local database with two demo tenants (one EU, one US), their monthly budgets,
# the guest_reply.draft prompt with an active version, and provider routes.
# Idempotent: run it again after `make migrate` or after recreating the database.
#
# It connects as the migration owner, which the local container makes a superuser, so
# row-level security does not hide the rows it writes. It refuses any non-local database.
set -euo pipefail

SEED_DATABASE_URL="${SEED_DATABASE_URL:-postgres://orchestrator:orchestrator@localhost:5432/ai_orchestrator}"

case "$SEED_DATABASE_URL" in
  *@localhost:*|*@localhost/*|*@127.0.0.1:*|*@127.0.0.1/*) ;;
  *)
    echo "seed.sh: refusing to seed a non-local database ($SEED_DATABASE_URL)" >&2
    exit 1
    ;;
esac

EU_TENANT=6f1c2a9e-3b47-4d8e-9a51-2c7e0b4f8d13   # Harbourline Hotels (EU residency)
US_TENANT=b2e8d4a1-7c35-4f60-8e29-91d3a6c5e7f4   # Sierra Pines Lodges (US residency)

psql -X "$SEED_DATABASE_URL" -v ON_ERROR_STOP=1 --single-transaction -q \
  -v eu="$EU_TENANT" -v us="$US_TENANT" <<'SQL'
INSERT INTO tenants (id, name, plan)
VALUES (:'eu', 'Harbourline Hotels', 'enterprise'),
       (:'us', 'Sierra Pines Lodges', 'standard')
ON CONFLICT (id) DO NOTHING;

-- Monthly limits in US dollars, for the current period.
INSERT INTO budgets (tenant_id, monthly_limit_usd, spent_usd, period_start)
VALUES (:'eu', 250.00, 0, date_trunc('month', now() AT TIME ZONE 'UTC')::date),
       (:'us', 100.00, 0, date_trunc('month', now() AT TIME ZONE 'UTC')::date)
ON CONFLICT (tenant_id) DO NOTHING;

INSERT INTO prompts (tenant_id, name)
VALUES (:'eu', 'guest_reply.draft'),
       (:'us', 'guest_reply.draft')
ON CONFLICT (tenant_id, name) DO NOTHING;

INSERT INTO prompt_versions (prompt_id, tenant_id, version, body, is_active)
SELECT p.id, p.tenant_id, 1,
       'You draft replies for the front desk of {{property_name}}. Answer in {{locale}}, '
       'be brief and friendly, and never promise what the hotel policy does not allow.'
       || E'\n\nConversation so far:\n{{transcript}}',
       true
FROM prompts p
WHERE p.name = 'guest_reply.draft'
  AND p.tenant_id IN (:'eu', :'us')
  AND NOT EXISTS (SELECT 1 FROM prompt_versions v WHERE v.prompt_id = p.id AND v.version = 1);

-- EU tenants stay on Vertex AI; the US tenant falls back to OpenAI.
INSERT INTO provider_routes (tenant_id, provider, model, priority)
SELECT r.tenant_id::uuid, r.provider, r.model, r.priority
FROM (VALUES (:'eu', 'vertex-anthropic', 'claude-3-5-sonnet@20240620', 10),
             (:'eu', 'vertex-anthropic', 'claude-3-haiku@20240307', 20),
             (:'us', 'vertex-anthropic', 'claude-3-5-sonnet@20240620', 10),
             (:'us', 'openai', 'gpt-4o-2024-08-06', 20))
     AS r (tenant_id, provider, model, priority)
WHERE NOT EXISTS (
  SELECT 1 FROM provider_routes x
  WHERE x.tenant_id = r.tenant_id::uuid AND x.provider = r.provider AND x.model = r.model);
SQL

echo "Seeded tenants:"
echo "  $EU_TENANT  Harbourline Hotels (europe-west1)"
echo "  $US_TENANT  Sierra Pines Lodges (us-central1)"
echo "Use one of these ids as x-dev-tenant-id when calling the local service."
