// Provider routing: picks the provider route for a prompt and falls back on failure.
import { metrics } from '@opentelemetry/api';

import { callCount, callDuration, tokensUsed } from '../telemetry/metrics.js';

const meter = metrics.getMeter('ai-orchestrator-service');

const fallbacks = meter.createCounter('ai.provider.fallbacks', {
  description: 'Calls moved to the next provider route after a failure or timeout',
  unit: '{call}',
});

export interface ProviderRoute {
  provider: 'vertex-anthropic' | 'openai';
  model: string;
  timeoutMs: number;
}

export interface Completion {
  text: string;
  promptTokens: number;
  completionTokens: number;
}

export type CallProvider = (route: ProviderRoute, prompt: string) => Promise<Completion>;

/** Tries each route in order; records the call's outcome, duration and tokens. */
export async function complete(
  routes: readonly ProviderRoute[],
  prompt: string,
  call: CallProvider,
  tenantTier: string,
): Promise<Completion> {
  const started = performance.now();
  let lastError: unknown;
  for (const [index, route] of routes.entries()) {
    const attributes = { provider: route.provider, model: route.model, 'tenant.tier': tenantTier };
    try {
      const completion = await call(route, prompt);
      callCount.add(1, { ...attributes, outcome: 'success' });
      callDuration.record(performance.now() - started, attributes);
      tokensUsed.add(completion.promptTokens, { ...attributes, direction: 'prompt' });
      tokensUsed.add(completion.completionTokens, { ...attributes, direction: 'completion' });
      return completion;
    } catch (error) {
      lastError = error;
      if (index < routes.length - 1) {
        fallbacks.add(1, { from: route.provider, to: routes[index + 1].provider });
      }
    }
  }
  callCount.add(1, { 'tenant.tier': tenantTier, outcome: 'error' });
  callDuration.record(performance.now() - started, { 'tenant.tier': tenantTier });
  throw lastError;
}
