-- Provider routing: which provider and model serve a tenant's calls, by priority.

CREATE TABLE provider_routes (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    provider    text NOT NULL,
    model       text NOT NULL,
    priority    smallint NOT NULL DEFAULT 100,
    enabled     bool NOT NULL DEFAULT true
);

ALTER TABLE provider_routes ENABLE ROW LEVEL SECURITY;
ALTER TABLE provider_routes FORCE ROW LEVEL SECURITY;

CREATE POLICY provider_routes_tenant_isolation ON provider_routes
    FOR ALL TO app_user
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

INSERT INTO tenants (id, name, plan)
VALUES ('00000000-0000-0000-0000-000000000001', 'internal', 'enterprise');
