/**
 * Provider answers through the pure mappers: the zod schemas say no through safeParse, and the
 * mappers give a ProviderStatus or a ProviderError whose userMessage a person can read, for any
 * JSON, any status code, anything thrown by the network.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogEntries, toModelInfo } from '../../adapters/providers/kpainter/client.js';
import { mapKPainterError, networkError as kpainterNetworkError } from '../../adapters/providers/kpainter/errors.js';
import { mapKreaError, networkError as kreaNetworkError } from '../../adapters/providers/krea/errors.js';
import { KreaJob, KreaJobList, toProviderStatus as kreaStatus } from '../../adapters/providers/krea/states.js';
import { mapKrevError, networkError as krevNetworkError } from '../../adapters/providers/krev/errors.js';
import { KrevChatRun, KrevGeneration, KrevSubmitAnswer } from '../../adapters/providers/krev/schemas.js';
import { chatRunStatus, knownChatState, toProviderStatus as krevStatus } from '../../adapters/providers/krev/states.js';
import { ProviderError } from '../../src/errors.js';
import { anyJson, anyValue, nastyString, nearly } from './arbitraries.js';
import { expectProviderError, expectStatus, mapsOrFails } from './contract.js';
import { body, kpainterCatalog, kreaJob, krevChatRun, krevGeneration, modelId, text } from './provider-arbitraries.js';
import { failOnUnhandledRejections, params, TIMEOUT } from './support.js';

failOnUnhandledRejections();

describe('provider answers, mapped without throwing', () => {
  it('Krea: a job JSON gives a status, or safeParse says no', async () => {
    await fc.assert(
      fc.asyncProperty(body(kreaJob), async (json) => {
        expect(KreaJobList.safeParse(json)).toHaveProperty('success');
        const parsed = KreaJob.safeParse(json);
        if (!parsed.success) return;
        const status = await mapsOrFails('krea.toProviderStatus', json, () => kreaStatus(parsed.data));
        if (status) expectStatus('krea.toProviderStatus', json, status);
      }),
      params(),
    );
  }, TIMEOUT);

  it('Krev: a generation or chat run JSON gives a status, or safeParse says no', async () => {
    await fc.assert(
      fc.asyncProperty(body(krevGeneration), body(krevChatRun), async (generation, run) => {
        expect(KrevSubmitAnswer.safeParse(generation)).toHaveProperty('success');
        const gen = KrevGeneration.safeParse(generation);
        if (gen.success) {
          const status = await mapsOrFails('krev.toProviderStatus', generation, () => krevStatus(gen.data));
          if (status) expectStatus('krev.toProviderStatus', generation, status);
        }
        const chat = KrevChatRun.safeParse(run);
        if (chat.success && knownChatState(String(chat.data.run?.status ?? chat.data.status))) {
          const status = await mapsOrFails('krev.chatRunStatus', run, () => chatRunStatus(chat.data));
          if (status) expectStatus('krev.chatRunStatus', run, status);
        }
      }),
      params(),
    );
  }, TIMEOUT);

  it('KPainter: a catalog JSON gives entries and models, or nothing', () => {
    fc.assert(
      fc.property(fc.oneof(nearly(kpainterCatalog, anyJson), anyValue), (json) => {
        const entries = catalogEntries(json);
        for (const entry of entries ?? []) {
          const model = toModelInfo(entry);
          if (model) expect(model.id).toMatch(/^(image|video)\/kpainter\//);
        }
      }),
      params(),
    );
  }, TIMEOUT);

  it('error answers (any status, any body) map to a ProviderError a user can read', () => {
    const errorBody = fc.oneof(anyJson, anyValue, fc.record({ error: text, message: text, detail: fc.oneof(text, fc.array(fc.record({ loc: fc.array(nastyString), msg: text }), { maxLength: 4 })), replacement: nastyString }, { requiredKeys: [] }));
    const status = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(400, 401, 402, 403, 404, 410, 422, 429, 500, 503) }, fc.integer({ min: 100, max: 599 }), fc.integer(), fc.constantFrom(Number.NaN, -0, 1e21));
    const retryAfter = fc.option(fc.oneof(fc.nat(), fc.double()), { nil: undefined });
    fc.assert(
      fc.property(status, errorBody, retryAfter, fc.option(modelId, { nil: undefined }), fc.option(nastyString, { nil: undefined }), (s, b, r, model, key) => {
        expectProviderError('krea.mapKreaError', b, mapKreaError(s, b, r, model ? { modelId: model } : {}));
        expectProviderError('krev.mapKrevError', b, mapKrevError(s, b, r, key));
        expectProviderError('kpainter.mapKPainterError', b, mapKPainterError(s, b, r, { ...(model ? { modelId: model } : {}), ...(key ? { secret: key } : {}) }));
      }),
      params(),
    );
  }, TIMEOUT);

  it('network failures (anything thrown) map to a retryable ProviderError', () => {
    fc.assert(
      fc.property(anyValue, (thrown) => {
        for (const map of [kreaNetworkError, krevNetworkError, kpainterNetworkError]) {
          const err = map(thrown);
          expect(err).toBeInstanceOf(ProviderError);
          expect(err.retryable).toBe(true);
        }
      }),
      params(),
    );
  }, TIMEOUT);
});
