-- Reporting views, recreated whenever this file changes.

CREATE OR REPLACE VIEW tenant_daily_usage AS
SELECT tenant_id,
       date_trunc('day', created_at) AS day,
       count(*) AS calls,
       sum(prompt_tokens + completion_tokens) AS tokens,
       sum(cost_usd) AS cost_usd
FROM ai_calls
GROUP BY tenant_id, date_trunc('day', created_at);
