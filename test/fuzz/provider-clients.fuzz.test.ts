/**
 * The provider clients' `status()` against an undici MockAgent (no network) that answers anything:
 * it resolves with a ProviderStatus the job can use, or rejects with a ProviderError. Nothing else.
 */
import fc, { type Arbitrary } from 'fast-check';
import { MockAgent } from 'undici';
import { afterAll, describe, it } from 'vitest';
import { createKPainterProvider } from '../../adapters/providers/kpainter/client.js';
import { createKreaProvider } from '../../adapters/providers/krea/client.js';
import { createKrevProvider } from '../../adapters/providers/krev/client.js';
import type { Operation } from '../../src/generation.js';
import { silentLogger } from '../../src/logger.js';
import type { GenerationProvider } from '../../src/ports.js';
import { anyJson, nastyString, nearly } from './arbitraries.js';
import { expectStatus, mapsOrFails } from './contract.js';
import { body, kpainterCreation, kpainterJob, kreaJob, krevGeneration, modelId, statusCode, url } from './provider-arbitraries.js';
import { failOnUnhandledRejections, params, TIMEOUT } from './support.js';

failOnUnhandledRejections();

describe('provider clients: status() on any answer resolves or rejects with a ProviderError', () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  afterAll(() => agent.close());
  /** What the fake API answers next: one entry per request, in order. */
  let answers: Array<{ statusCode: number; body: unknown; retryAfter?: string }> = [];
  const ORIGIN = 'http://provider.fuzz';
  agent
    .get(ORIGIN)
    .intercept({ path: () => true, method: () => true })
    .reply(() => {
      const next = answers.shift() ?? { statusCode: 500, body: { error: 'no answer scripted' } };
      const data = typeof next.body === 'string' && next.body.startsWith('!raw:') ? next.body.slice(5) : (JSON.stringify(next.body) ?? '');
      return { statusCode: next.statusCode, data, responseOptions: { headers: { 'content-type': 'application/json', ...(next.retryAfter !== undefined ? { 'retry-after': next.retryAfter } : {}) } } };
    })
    .persist();

  const answer = (wellTyped: Arbitrary<unknown>) =>
    fc.record({ statusCode, body: fc.oneof({ weight: 9, arbitrary: body(wellTyped) }, { weight: 1, arbitrary: nastyString.map((t) => `!raw:${t}`) }), retryAfter: fc.option(fc.oneof(fc.nat().map(String), nastyString), { nil: undefined }) }, { requiredKeys: ['statusCode', 'body'] });
  const ctx = { credentials: { apiKey: 'fuzz-key-0123456789' } };
  const operation = (extra: Arbitrary<Record<string, unknown>>) =>
    fc.tuple(fc.oneof(fc.stringMatching(/^[\w-]{1,40}$/), nastyString.filter((id) => id.length > 0)), modelId, extra).map(([providerJobId, model, rest]): Operation => ({ providerJobId, modelId: model, submittedAt: 0, ...rest }));
  const options = { baseUrl: ORIGIN, logger: silentLogger(), dispatcher: agent, requestTimeoutMs: 2000 };
  const CLIENTS: Record<string, { provider: GenerationProvider; operation: Arbitrary<Operation>; answers: Arbitrary<unknown[]> }> = {
    krea: { provider: createKreaProvider(options), operation: operation(fc.constant({})), answers: fc.tuple(answer(kreaJob)) },
    krev: {
      provider: createKrevProvider(options),
      // What submit stored: a synchronous answer's http(s) URLs (submit keeps only those), credits, ad copy.
      operation: operation(fc.record({ krev: nearly(fc.record({ endpoint: fc.constantFrom('images', 'videos', 'ads'), urls: fc.array(url.filter((u) => /^https?:\/\//i.test(u)), { maxLength: 2 }), creditsUsed: fc.double(), adText: nastyString }, { requiredKeys: ['endpoint'] }), anyJson) }, { requiredKeys: [] })),
      answers: fc.tuple(answer(fc.record({ success: fc.constant(true), data: krevGeneration }))),
    },
    kpainter: { provider: createKPainterProvider(options), operation: operation(fc.record({ creationId: fc.oneof(nastyString, anyJson) }, { requiredKeys: [] })), answers: fc.tuple(answer(kpainterJob), answer(kpainterCreation)) },
  };

  for (const [name, client] of Object.entries(CLIENTS)) {
    it(`${name}: status() never rejects with anything but a ProviderError`, async () => {
      await fc.assert(
        fc.asyncProperty(client.operation, client.answers, async (op, scripted) => {
          answers = [...(scripted as typeof answers)];
          const status = await mapsOrFails(`${name}.status`, scripted, () => client.provider.status(op, ctx));
          if (status) expectStatus(`${name}.status`, scripted, status);
        }),
        params(),
      );
    }, TIMEOUT);
  }
});
