/**
 * What the generation APIs answer, at their worst: near-valid jobs, generations, chat runs,
 * catalogs and creations, URLs that only look like URLs, provider text of any length, and status
 * codes no documentation mentions.
 */
import fc, { type Arbitrary } from 'fast-check';
import { anyJson, longText, nastyString, nearly } from './arbitraries.js';

const opt = <T>(arb: Arbitrary<T>) => fc.option(arb, { nil: null });
export const url = fc.oneof(fc.webUrl(), fc.constantFrom('https://x.test/a.png', 'https://x.test/v.mp4', 'http://', 'https://', 'http:// x', 'https://a b.png', 'http://[::1', 'ftp://x.test/a.png', ''), nastyString);
export const text = fc.oneof(nastyString, longText);
export const kreaJob = fc.record(
  {
    job_id: nastyString,
    status: fc.oneof(fc.constantFrom('backlogged', 'queued', 'scheduled', 'processing', 'sampling', 'intermediate-complete', 'completed', 'failed', 'cancelled'), nastyString),
    created_at: opt(nastyString),
    result: opt(fc.record({ urls: opt(fc.array(fc.oneof(url, fc.record({ url, type: nastyString })), { maxLength: 4 })), error: opt(text), message: opt(text) }, { requiredKeys: [] })),
    error: fc.oneof(text, anyJson),
  },
  { requiredKeys: ['job_id', 'status'] },
);
export const krevGeneration = fc.record(
  {
    id: nastyString,
    status: fc.oneof(fc.constantFrom('queued', 'processing', 'succeeded', 'failed'), nastyString),
    progress: opt(fc.double()),
    output: opt(fc.record({ urls: opt(fc.array(url, { maxLength: 4 })) })),
    error: opt(fc.oneof(text, fc.record({ message: text }))),
    credits_used: opt(fc.double()),
    ad_copy: opt(fc.record({ headline: opt(text), hook: opt(nastyString), body_copy: opt(text), cta: opt(nastyString), style_name: opt(nastyString) }, { requiredKeys: [] })),
  },
  { requiredKeys: ['id', 'status'] },
);
const chatMessage = fc.record({ role: fc.constantFrom('assistant', 'user', ''), content: opt(text), text: opt(nastyString) }, { requiredKeys: ['role'] });
export const krevChatRun = fc.record(
  {
    run: opt(fc.record({ status: opt(fc.oneof(fc.constantFrom('done', 'failed', 'running', 'error', 'canceled', 'pending'), nastyString)), error: opt(fc.oneof(text, fc.record({ message: text }))) }, { requiredKeys: [] })),
    status: opt(fc.oneof(fc.constantFrom('completed', 'error', 'in_progress', 'queued'), nastyString)),
    latest_assistant_text: opt(text),
    messages: opt(fc.array(chatMessage, { maxLength: 3 })),
    artifacts: opt(fc.array(fc.record({ url: opt(url), urls: opt(fc.array(url, { maxLength: 2 })), media_urls: opt(fc.array(url, { maxLength: 2 })) }, { requiredKeys: [] }), { maxLength: 3 })),
    generations: opt(fc.array(fc.record({ output: opt(fc.record({ urls: opt(fc.array(url, { maxLength: 2 })) })) }, { requiredKeys: [] }), { maxLength: 2 })),
    media_urls: opt(fc.array(url, { maxLength: 3 })),
  },
  { requiredKeys: [] },
);
export const kpainterJob = fc.record(
  {
    status: fc.oneof(fc.constantFrom('queued', 'running', 'ready', 'succeeded', 'failed', 'invalid', 'cancelled', 'rendering'), nastyString),
    creation_id: opt(fc.oneof(nastyString, fc.integer())),
    progress_pct: opt(fc.double()),
    estimated_remaining_seconds: opt(fc.double()),
    queue_position: opt(fc.integer()),
    error: opt(fc.oneof(text, fc.record({ message: opt(text) }))),
    failure_reason: opt(text),
    billed: opt(fc.boolean()),
  },
  { requiredKeys: ['status'] },
);
export const kpainterCreation = fc.record(
  { main_url: opt(url), artifacts: opt(fc.array(fc.oneof(url, fc.record({ url, kind: opt(nastyString), mime_type: opt(fc.oneof(fc.constantFrom('image/png', 'video/mp4'), nastyString)) }, { requiredKeys: ['url'] })), { maxLength: 4 })), credits_used: opt(fc.double()) },
  { requiredKeys: [] },
);
export const kpainterCatalog = fc.record({
  content_types: fc.oneof(
    fc.array(fc.oneof(nastyString, fc.record({ type: nastyString, output: opt(fc.oneof(fc.constantFrom('image', 'video'), nastyString)), max_count: opt(fc.integer()), duration_seconds: opt(fc.oneof(fc.array(fc.double()), fc.record({ min: fc.double(), max: fc.double() }))), aspect_ratios: opt(fc.array(nastyString)) }, { requiredKeys: [] }), anyJson), { maxLength: 5 }),
    fc.dictionary(nastyString, anyJson, { maxKeys: 4 }),
  ),
});
export const body = (wellTyped: Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: nearly(wellTyped, anyJson) }, { weight: 1, arbitrary: anyJson });
/** Status codes a provider answers with, mostly 200, and the odd one no documentation mentions. */
export const statusCode = fc.oneof({ weight: 6, arbitrary: fc.constant(200) }, { weight: 3, arbitrary: fc.constantFrom(201, 204, 301, 400, 401, 402, 403, 404, 409, 410, 413, 422, 429, 500, 502, 503, 504) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 999 }) });
export const modelId = fc.constantFrom('image/bfl/flux-1-dev', 'video/kling/kling-2.1', 'image/krev/studio', 'video/kpainter/explainer_video');
