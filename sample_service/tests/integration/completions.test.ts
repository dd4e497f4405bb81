import { describe, expect, it } from 'vitest';

import { createTestApp } from '../support/app.js';

describe('POST /v1/completions', () => {
  it('IT-AI-001 returns a completion and records tokens', async () => {
    const app = await createTestApp();
    const response = await app.post('/v1/completions', { prompt: 'Hello', sessionId: app.sessionId });
    expect(response.status).toBe(200);
    expect(response.body.usage.completionTokens).toBeGreaterThan(0);
  });

  it('IT-AI-002 rejects an empty prompt with AI_INVALID_REQUEST', async () => {
    const app = await createTestApp();
    const response = await app.post('/v1/completions', { prompt: '', sessionId: app.sessionId });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('AI_INVALID_REQUEST');
  });

  it('IT-AI-003 falls back to the next provider route on a timeout', async () => {
    const app = await createTestApp({ providers: { 'vertex-anthropic': 'timeout' } });
    const response = await app.post('/v1/completions', { prompt: 'Hello', sessionId: app.sessionId });
    expect(response.status).toBe(200);
    expect(response.body.provider).toBe('openai');
  });

  it('IT-AI-004 answers AI_PROVIDER_UNAVAILABLE when every route fails', async () => {
    const app = await createTestApp({ providers: { 'vertex-anthropic': 'down', openai: 'down' } });
    const response = await app.post('/v1/completions', { prompt: 'Hello', sessionId: app.sessionId });
    expect(response.status).toBe(503);
    expect(response.body.code).toBe('AI_PROVIDER_UNAVAILABLE');
  });
});
