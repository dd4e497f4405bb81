import { describe, expect, it } from 'vitest';

import { createTestApp } from '../support/app.js';

describe('budgets', () => {
  it('IT-AI-008 refuses a call over budget with AI_BUDGET_EXCEEDED', async () => {
    const app = await createTestApp({ budgetMicroUsd: 1 });
    const response = await app.post('/v1/completions', { prompt: 'Hello', sessionId: app.sessionId });
    expect(response.status).toBe(402);
    expect(response.body.code).toBe('AI_BUDGET_EXCEEDED');
  });

  it('IT-AI-009 publishes ai.budget.exceeded.v1 once per period', async () => {
    const app = await createTestApp({ budgetMicroUsd: 1 });
    await app.post('/v1/completions', { prompt: 'a', sessionId: app.sessionId });
    await app.post('/v1/completions', { prompt: 'b', sessionId: app.sessionId });
    expect(app.published('ai.budget.exceeded.v1')).toHaveLength(1);
  });

  it('IT-AI-010 updates a tenant budget through PUT /v1/budgets/{tenantId}', async () => {
    const app = await createTestApp({ role: 'admin' });
    const response = await app.put(`/v1/budgets/${app.tenantId}`, { limitMicroUsd: 5_000_000 });
    expect(response.status).toBe(200);
  });
});
