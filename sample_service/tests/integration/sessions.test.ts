import { describe, expect, it } from 'vitest';

import { createTestApp } from '../support/app.js';

describe('sessions', () => {
  it('IT-AI-005 opens a session for the caller tenant', async () => {
    const app = await createTestApp();
    const response = await app.post('/v1/sessions', { purpose: 'guest-messaging' });
    expect(response.status).toBe(201);
    expect(response.body.tenantId).toBe(app.tenantId);
  });

  it('IT-AI-006 answers AI_SESSION_NOT_FOUND for an unknown session', async () => {
    const app = await createTestApp();
    const response = await app.get('/v1/sessions/00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('AI_SESSION_NOT_FOUND');
  });

  it('IT-AI-007 refuses a completion in a closed session with AI_SESSION_CLOSED', async () => {
    const app = await createTestApp();
    await app.post(`/v1/sessions/${app.sessionId}/close`, {});
    const response = await app.post('/v1/completions', { prompt: 'Hello', sessionId: app.sessionId });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('AI_SESSION_CLOSED');
  });
});
