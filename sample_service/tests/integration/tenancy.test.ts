import { describe, expect, it } from 'vitest';

import { createTestApp } from '../support/app.js';

describe('tenant isolation', () => {
  it('IT-AI-013 hides sessions of another tenant (RLS)', async () => {
    const owner = await createTestApp();
    const other = await createTestApp({ tenant: 'other' });
    const response = await other.get(`/v1/sessions/${owner.sessionId}`);
    expect(response.status).toBe(404);
  });

  it('IT-AI-014 answers AI_TENANT_FORBIDDEN for a token of another tenant', async () => {
    const app = await createTestApp({ tokenTenant: 'other' });
    const response = await app.get('/v1/sessions');
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('AI_TENANT_FORBIDDEN');
  });

  it('IT-AI-015 purges a guest on tenant.guest.erasure_requested.v1', async () => {
    const app = await createTestApp();
    await app.deliver('tenant.guest.erasure_requested.v1', { guestId: app.guestId });
    expect(await app.countRows('ai_calls', { guest_id: app.guestId })).toBe(0);
  });
});
