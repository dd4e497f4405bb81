-- Cost accounting for AI calls; latency may exceed the integer range for batch calls.

ALTER TABLE ai_calls ADD COLUMN cost_usd numeric(12, 6);
ALTER TABLE ai_calls ALTER COLUMN latency_ms TYPE bigint;

COMMENT ON COLUMN ai_calls.cost_usd IS 'Provider cost of the call in US dollars';
