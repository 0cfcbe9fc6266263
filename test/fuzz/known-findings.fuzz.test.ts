/**
 * One example of each finding in findings.ts, asserting the behaviour we want. They fail today,
 * so they are marked `it.fails`; when a fix lands the example passes, vitest reports the
 * unexpected pass, and the `.fails` and the finding's entry go together.
 */
import { MockAgent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { parseAutocomplete, parseChatInput, type InteractionContext } from '../../adapters/discord/parse.js';
import { createKPainterProvider } from '../../adapters/providers/kpainter/client.js';
import { mapKPainterError } from '../../adapters/providers/kpainter/errors.js';
import { createKreaProvider } from '../../adapters/providers/krea/client.js';
import { mapKreaError } from '../../adapters/providers/krea/errors.js';
import { KreaJob, toProviderStatus as kreaStatus } from '../../adapters/providers/krea/states.js';
import { createKrevProvider } from '../../adapters/providers/krev/client.js';
import { mapKrevError } from '../../adapters/providers/krev/errors.js';
import { KrevGeneration } from '../../adapters/providers/krev/schemas.js';
import { toProviderStatus as krevStatus } from '../../adapters/providers/krev/states.js';
import { fromSlashCommand, type SlashCommandBody } from '../../adapters/slack/parse.js';
import { generateSpec } from '../../commands/specs.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText } from '../../src/command-text.js';
import { ProviderError, UserError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { messageProblem } from './contract.js';
import { FINDINGS } from './findings.js';
import { failOnUnhandledRejections } from './support.js';

failOnUnhandledRejections();

/** What `fn` throws, or undefined. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err;
  }
}
const readable = (err: unknown) => expect(messageProblem((err as UserError | ProviderError).userMessage)).toBeUndefined();
const refusesCleanly = (fn: () => unknown) => {
  const err = thrown(fn);
  if (err !== undefined) expect(err instanceof UserError || err instanceof ZodError).toBe(true);
};

const ctx: InteractionContext = { interactionId: '1', guildId: '2', channelId: '3', user: { id: '4' }, permissions: null, receivedAt: 0 };

/** A provider API on an undici MockAgent that answers the scripted bodies in order. */
const agent = new MockAgent();
agent.disableNetConnect();
afterAll(() => agent.close());
let script: Array<{ status: number; body: string }> = [];
agent
  .get('http://findings.test')
  .intercept({ path: () => true, method: () => true })
  .reply(() => {
    const next = script.shift() ?? { status: 500, body: '{}' };
    return { statusCode: next.status, data: next.body, responseOptions: { headers: { 'content-type': 'application/json' } } };
  })
  .persist();
const providerOptions = { baseUrl: 'http://findings.test', logger: silentLogger(), dispatcher: agent, requestTimeoutMs: 2000 };
const call = { credentials: { apiKey: 'k' } };
const op = (providerJobId: string, extra: Record<string, unknown> = {}) => ({ providerJobId, modelId: 'image/x', submittedAt: 0, ...extra });
const rejectsOnlyWithProviderError = async (p: Promise<unknown>) => {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (err !== undefined) expect(err).toBeInstanceOf(ProviderError);
};

const title = (id: string) => {
  const f = FINDINGS.find((x) => x.id === id)!;
  return `${f.id} (${f.fixIn}): ${f.summary}`;
};

describe('known findings (each fails until fixed)', () => {
  it.fails(title('F1'), () => readable(thrown(() => parseCommandText(generateSpec, `a fox --${'a--'.repeat(250)}`))));
  it.fails(title('F2'), () => readable(thrown(() => parseCommandOptions(generateSpec, { '\t': 1 }))));
  it.fails(title('F3'), () => refusesCleanly(() => fromSlashCommand({} as SlashCommandBody, false)));
  it.fails(title('F4'), () => refusesCleanly(() => parseChatInput({ ...ctx, user: undefined } as unknown as InteractionContext, 'generate', [])));
  it.fails(title('F5'), () => refusesCleanly(() => parseAutocomplete(ctx, 'generate', { name: 'model', value: Object.create(null) as unknown })));
  it.fails(title('F6'), () => {
    const job = KreaJob.parse({ job_id: 'j', status: 'completed', result: { urls: ['https://a b.png', 'https://x.test/ok.png'] } });
    expect(kreaStatus(job)).toMatchObject({ state: 'succeeded' });
  });
  it.fails(title('F7'), () => {
    const gen = KrevGeneration.parse({ id: 'g', status: 'succeeded', output: { urls: ['http:// x', 'https://x.test/ok.png'] } });
    expect(krevStatus(gen)).toMatchObject({ state: 'succeeded' });
  });
  it.fails(title('F8'), async () => {
    script = [{ status: 200, body: JSON.stringify({ status: 'ready', creation_id: 'c1' }) }, { status: 200, body: JSON.stringify({ main_url: 'not a url' }) }];
    await rejectsOnlyWithProviderError(createKPainterProvider(providerOptions).status(op('j1'), call));
  });
  it.fails(title('F9'), () => {
    readable(mapKreaError(400, { message: 'x'.repeat(1000) }, undefined, {}));
    const job = KreaJob.parse({ job_id: 'j', status: 'failed', result: { error: `bad\u0007${'y'.repeat(1000)}` } });
    const status = kreaStatus(job);
    expect(status.state === 'failed' && messageProblem(status.reason)).toBe(undefined);
  });
  it.fails(title('F10'), () => readable(mapKPainterError(422, { detail: 'bad\u0007 value' }, undefined, {})));
  it.fails(title('F11'), () => readable(mapKrevError(400, { error: 'bad\u0007 value' }, undefined)));
  it.fails(title('F12'), async () => {
    script = [{ status: 200, body: 'null' }];
    await rejectsOnlyWithProviderError(createKrevProvider(providerOptions).status(op('g1'), call));
  });
  it.fails(title('F13'), async () => {
    await rejectsOnlyWithProviderError(createKreaProvider(providerOptions).status(op('\ud83e'), call));
  });
});
