-- Tenants and AI sessions. Every tenant-owned table carries tenant_id and is isolated by RLS:
-- the application sets app.tenant_id for each transaction.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
        CREATE ROLE app_user NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_auditor') THEN
        CREATE ROLE app_auditor NOLOGIN;
    END IF;
END
$$;

CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    plan        varchar(32) NOT NULL DEFAULT 'standard',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE session_status AS ENUM ('open', 'closed');

CREATE TABLE ai_sessions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    status      session_status NOT NULL DEFAULT 'open',
    title       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    closed_at   timestamptz
);

CREATE INDEX ai_sessions_tenant_idx ON ai_sessions (tenant_id, created_at);

ALTER TABLE ai_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_sessions FORCE ROW LEVEL SECURITY;

CREATE POLICY ai_sessions_tenant_isolation ON ai_sessions
    FOR ALL TO app_user
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);
