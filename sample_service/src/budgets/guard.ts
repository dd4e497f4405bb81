// Budget guard: refuses a call when the tenant's budget for the period is spent.
import { metrics } from '@opentelemetry/api';

const meter = metrics.getMeter('ai-orchestrator-service');

const budgetRejections = meter.createCounter('ai.budget.rejections', {
  description: 'Calls refused with AI_BUDGET_EXCEEDED',
  unit: '{call}',
});

export interface Budget {
  tenantId: string;
  limitMicroUsd: number;
  spentMicroUsd: number;
}

export class BudgetExceededError extends Error {
  readonly code = 'AI_BUDGET_EXCEEDED';
}

/** Throws BudgetExceededError when `estimateMicroUsd` does not fit in what is left. */
export function assertWithinBudget(budget: Budget, estimateMicroUsd: number): void {
  if (budget.spentMicroUsd + estimateMicroUsd > budget.limitMicroUsd) {
    budgetRejections.add(1, { reason: 'limit' });
    throw new BudgetExceededError(`budget of tenant ${budget.tenantId} is spent`);
  }
}
