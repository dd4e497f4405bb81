import { describe, expect, it } from 'vitest';

import { createTestApp } from '../support/app.js';

describe('prompts', () => {
  it('IT-AI-011 promotes a prompt version and publishes ai.prompt.promoted.v1', async () => {
    const app = await createTestApp({ role: 'admin' });
    const response = await app.post('/v1/prompts/welcome/versions/3/promote', {});
    expect(response.status).toBe(200);
    expect(app.published('ai.prompt.promoted.v1')).toHaveLength(1);
  });

  it('IT-AI-012 answers AI_PROMPT_NOT_FOUND for an unknown prompt', async () => {
    const app = await createTestApp();
    const response = await app.get('/v1/prompts/no-such-prompt');
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('AI_PROMPT_NOT_FOUND');
  });
});
