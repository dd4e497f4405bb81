// OpenTelemetry instruments of ai-orchestrator-service. docs/OBSERVABILITY.md lists each one
// with its type and unit; `doclint check` compares the two on every commit.
import { metrics, type ObservableResult } from '@opentelemetry/api';

const meter = metrics.getMeter('ai-orchestrator-service', '1.4.0');

/** Completed and failed AI calls, by tenant tier, provider, model and outcome. */
export const callCount = meter.createCounter('ai.call.count', {
  description: 'AI calls finished, by outcome (success, error, blocked, budget_exceeded)',
  unit: '{call}',
});

/** Wall-clock time of one AI call, provider round trip included. */
export const callDuration = meter.createHistogram('ai.call.duration', {
  description: 'Duration of an AI call from request accepted to response sent',
  unit: 'ms',
  advice: { explicitBucketBoundaries: [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000] },
});

/** Prompt and completion tokens billed by the provider. */
export const tokensUsed = meter.createCounter('ai.tokens.used', {
  description: 'Tokens used, by direction (prompt, completion)',
  unit: '{token}',
});

/** Provider cost in micro-USD, so that counters stay integers. */
export const costMicroUsd = meter.createCounter('ai.cost.micro_usd', {
  description: 'Provider cost of AI calls in millionths of a US dollar',
  unit: '{micro_usd}',
});

/** Sessions opened and not yet closed. */
export const activeSessions = meter.createUpDownCounter('ai.sessions.active', {
  description: 'Open AI sessions',
  unit: '{session}',
});

/** Responses served from the completion cache. */
export const cacheHits = meter.createCounter('ai.cache.hits', {
  description: 'Completion requests answered from the cache',
  unit: '{request}',
});

const budgetRemaining = meter.createObservableGauge('ai.budget.remaining_ratio', {
  description: 'Share of the current budget period left, per tenant',
  unit: '1',
});

export type BudgetSnapshot = () => ReadonlyArray<{ tenantTier: string; ratio: number }>;

/** Reports the remaining budget ratios that `snapshot` reads from the budget cache. */
export function observeBudgets(snapshot: BudgetSnapshot): void {
  budgetRemaining.addCallback((result: ObservableResult) => {
    for (const { tenantTier, ratio } of snapshot()) {
      result.observe(ratio, { 'tenant.tier': tenantTier });
    }
  });
}
