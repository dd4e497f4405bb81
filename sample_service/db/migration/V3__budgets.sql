-- Per-tenant monthly budgets; spending is checked before each AI call.

CREATE TABLE budgets (
    tenant_id          uuid PRIMARY KEY REFERENCES tenants (id),
    monthly_limit_usd  numeric(12, 2) NOT NULL,
    spent_usd          numeric(12, 2) NOT NULL DEFAULT 0,
    period_start       date NOT NULL DEFAULT CURRENT_DATE,
    updated_at         timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE budgets ENABLE ROW LEVEL SECURITY;
ALTER TABLE budgets FORCE ROW LEVEL SECURITY;

CREATE POLICY budgets_tenant_isolation ON budgets
    USING (tenant_id = current_setting('app.tenant_id')::uuid);

-- Budgets are never deleted by the application, whatever other policies allow.
CREATE POLICY budgets_no_delete ON budgets
    AS RESTRICTIVE
    FOR DELETE TO app_user
    USING (false);

CREATE FUNCTION set_updated_at() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER budgets_set_updated_at
    BEFORE UPDATE ON budgets
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
