-- One row per AI call (an LLM completion), written by the call pipeline.

CREATE TABLE ai_calls (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id          uuid NOT NULL REFERENCES tenants (id),
    session_id         uuid NOT NULL REFERENCES ai_sessions (id),
    provider           text NOT NULL,
    model              text NOT NULL,
    prompt_tokens      int4 NOT NULL DEFAULT 0,
    completion_tokens  integer NOT NULL DEFAULT 0,
    latency_ms         integer,
    status             varchar(16) NOT NULL DEFAULT 'ok',
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ai_calls_tenant_created_idx ON ai_calls (tenant_id, created_at DESC);

ALTER TABLE ai_calls ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_calls FORCE ROW LEVEL SECURITY;

CREATE POLICY ai_calls_tenant_isolation ON ai_calls
    FOR ALL TO app_user
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

CREATE POLICY ai_calls_auditor_read ON ai_calls
    FOR SELECT TO app_auditor, app_user
    USING (tenant_id = current_setting('app.tenant_id')::uuid
           AND current_setting('app.audit', true) = 'on');
