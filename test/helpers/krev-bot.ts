/**
 * The command core and the job pipeline with Krev (and Krea) against their simulators: the real
 * dispatcher, routes and parsers, BullMQ on the real Redis (unique prefix), the real Redis
 * settings store, and a recording chat platform that serves "uploaded" files from memory (the
 * way a platform's own download would). Invocations are built as each platform's adapter builds
 * them: Slack text, Discord typed options, playground text with files, mentions.
 */
import { Redis } from 'ioredis';
import { downloadLimited } from '../../adapters/providers/http.js';
import { createKreaProvider } from '../../adapters/providers/krea/client.js';
import { startKreaSimulator, type KreaSimulator } from '../../adapters/providers/krea/simulator/server.js';
import { createKrevProvider, type KrevProvider } from '../../adapters/providers/krev/client.js';
import { startKrevSimulator, type KrevSimulator } from '../../adapters/providers/krev/simulator/server.js';
import { createModelCatalog } from '../../adapters/providers/model-catalog.js';
import { createEditBudget, createMessageIndex, createSettingsStore } from '../../adapters/redis/stores.js';
import { createRoutes } from '../../commands/routes.js';
import type { CommandServices } from '../../commands/services.js';
import { allSpecs } from '../../commands/specs.js';
import type { PipelineDeps } from '../../jobs/deps.js';
import { createGenerationQueue, type BullGenerationQueue } from '../../jobs/queue.js';
import { createGenerationWorker, type GenerationWorker } from '../../jobs/worker.js';
import { parseCommandOptions } from '../../src/command-args.js';
import { parseCommandText } from '../../src/command-text.js';
import { createDispatcher } from '../../src/dispatcher.js';
import type { Dispatcher } from '../../src/dispatcher-port.js';
import { PlatformError } from '../../src/errors.js';
import { jobIdFor, type GenerationJob, type ProviderId } from '../../src/generation.js';
import type { AutocompleteInvocation, CommandInvocation, Invocation, MentionInvocation } from '../../src/invocation.js';
import { silentLogger } from '../../src/logger.js';
import { noopMetrics } from '../../src/metrics-port.js';
import type { Actor, MediaFile, MediaRef, PlatformKind, WorkspaceRef } from '../../src/model.js';
import type { DedupeStore, GenerationProvider, ProviderCredentials } from '../../src/ports.js';
import type { MessageView } from '../../src/view.js';
import { DEFAULT_SETTINGS, MemoryCredentials, RecordingResponder } from './memory-services.js';
import { RecordingPlatform } from './pipeline-harness.js';
import { testRedisUrl, uniquePrefix } from './redis-url.js';

export const KREV_KEY = 'sk_live_KrevBotTestKey';
export const ALICE: Actor = { userId: 'UALICE', isAdmin: false };
export const ADMIN: Actor = { userId: 'UADMIN', isAdmin: true };
export const WORKSPACE_OF: Record<PlatformKind, string> = { slack: 'T1', discord: 'G1', web: 'local' };

/** A recording platform whose `download` serves files "uploaded" to it, and remembers each download. */
export class FilePlatform extends RecordingPlatform {
  readonly files = new Map<string, MediaFile>();
  readonly downloads: MediaRef[] = [];
  override async download(media: MediaRef): Promise<MediaFile> {
    this.downloads.push(media);
    const file = this.files.get(media.url);
    if (!file) throw new PlatformError('slack', 'not_found', 'That file is gone.');
    return file;
  }
  /** Files posted into a thread (uploads) and text posted there (ad copy, the agent's answer). */
  threadUploads(threadId: string) {
    return this.uploads.filter((u) => u.to.threadId === threadId).flatMap((u) => u.files);
  }
  threadTexts(threadId: string): string[] {
    return this.posts.filter((p) => p.to.threadId === threadId).map((p) => viewText(p.view));
  }
}

export function viewText(view: MessageView | undefined): string {
  return (view?.blocks ?? []).map((b) => (b.type === 'text' || b.type === 'context' ? b.text : b.type === 'progress' ? b.label : '')).filter(Boolean).join('\n');
}

function memoryDedupe(): DedupeStore {
  const seen = new Set<string>();
  return { claim: async (key) => (seen.has(key) ? false : (seen.add(key), true)) };
}

export interface KrevBotOptions {
  /** Krea too (its simulator): refusals of `--product` on another provider, autocomplete over both. */
  withKrea?: boolean;
  /** The operator's server-wide Krev key (default true); without it only keys in `credentials` work. */
  serverKey?: boolean;
  /** Milliseconds a simulated Krev job takes. */
  jobMs?: number;
}

export interface KrevBot {
  krevSim: KrevSimulator;
  kreaSim?: KreaSimulator;
  krev: KrevProvider;
  queue: BullGenerationQueue;
  platform: FilePlatform;
  services: CommandServices;
  credentials: MemoryCredentials;
  dispatcher: Dispatcher;
  startWorker(): GenerationWorker;
  /** Dispatches and returns what the user was told privately. */
  dispatch(invocation: Invocation): Promise<RecordingResponder>;
  command(platform: PlatformKind, command: string, input: { text?: string; options?: Record<string, unknown> }, extra?: { actor?: Actor; attachments?: MediaRef[]; id?: string }): Promise<RecordingResponder>;
  mention(platform: PlatformKind, text: string, extra?: { actor?: Actor; attachments?: MediaRef[]; id?: string }): Promise<RecordingResponder>;
  autocomplete(command: string, option: string, partial: string, options?: Record<string, string | number | boolean>): Promise<Array<{ name: string; value: string }>>;
  /** The one job started by invocation `id`. */
  jobOf(id: string): Promise<GenerationJob | undefined>;
  waitFor(jobId: string, done?: (job: GenerationJob) => boolean, timeoutMs?: number): Promise<GenerationJob>;
  close(): Promise<void>;
}

let counter = 0;

export async function startKrevBot(options: KrevBotOptions = {}): Promise<KrevBot> {
  const prefix = uniquePrefix('krev');
  const logger = silentLogger();
  const krevSim = await startKrevSimulator({ jobDurationMs: options.jobMs ?? 300 });
  const kreaSim = options.withKrea ? await startKreaSimulator({ jobDurationMs: 300 }) : undefined;
  const krev = createKrevProvider({ baseUrl: krevSim.url, logger, requestTimeoutMs: 3000 });
  const providers: Partial<Record<ProviderId, GenerationProvider>> = { krev };
  if (kreaSim) providers.krea = createKreaProvider({ baseUrl: kreaSim.url, logger, requestTimeoutMs: 3000 });
  const redis = new Redis(testRedisUrl());
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const clock = { now: () => Date.now() };
  const platform = new FilePlatform();
  const settings = createSettingsStore({ redis, prefix, defaults: DEFAULT_SETTINGS, logger });
  const catalog = createModelCatalog({ sources: Object.values(providers), logger });
  const queue = createGenerationQueue({ connection: redis, prefix });
  const credentials = new MemoryCredentials();
  const serverKey = options.serverKey ?? true;
  const resolve = async (workspace: WorkspaceRef, provider: ProviderId): Promise<ProviderCredentials | undefined> =>
    (await credentials.get(workspace, provider)) ?? (serverKey || provider !== 'krev' ? { apiKey: provider === 'krev' ? KREV_KEY : 'sim-token' } : undefined);
  const services: CommandServices = {
    queue,
    catalog,
    platforms: { forWorkspace: async () => platform },
    settings,
    credentials,
    messageIndex: createMessageIndex({ redis, prefix }),
    providers,
    hasDefaultCredentials: (provider) => serverKey || provider !== 'krev',
    resolveCredentials: resolve,
    canStoreCredentials: true,
    clock,
    logger,
    limits: { jobDeadlineMs: 60_000, maxInputBytes: 20 * 1024 * 1024 },
    randomSeed: () => 777,
  };
  const parsers = { fromText: parseCommandText, fromOptions: parseCommandOptions };
  const dispatcher = createDispatcher({ routes: createRoutes(services, parsers), parsers, dedupe: memoryDedupe(), logger });
  const deps: PipelineDeps = {
    providers,
    resolveCredentials: resolve,
    platforms: { forWorkspace: async () => platform },
    catalog,
    settings,
    editBudget: createEditBudget({ redis, prefix, clock, capacity: 100, perMinute: 6000 }),
    messageIndex: services.messageIndex,
    fetchMedia: async (media, maxBytes) => {
      const { bytes, contentType } = await downloadLimited(media.url, maxBytes, { timeoutMs: 5000 });
      return { name: 'file', mimeType: contentType ?? 'application/octet-stream', bytes };
    },
    clock,
    logger,
    metrics: noopMetrics,
    limits: { maxInputBytes: 20 * 1024 * 1024, maxOutputBytes: 200 * 1024 * 1024 },
    specs: allSpecs,
    timeScale: 0.05,
  };
  const workers: GenerationWorker[] = [];

  const base = (platformKind: PlatformKind, id: string, actor: Actor) => ({
    id,
    platform: platformKind,
    workspaceId: WORKSPACE_OF[platformKind],
    actor,
    conversation: { platform: platformKind, workspaceId: WORKSPACE_OF[platformKind], channelId: 'C1' },
    receivedAt: Date.now(),
  });

  const bot: KrevBot = {
    krevSim,
    ...(kreaSim ? { kreaSim } : {}),
    krev,
    queue,
    platform,
    services,
    credentials,
    dispatcher,
    startWorker() {
      const worker = createGenerationWorker({ connection, prefix, concurrency: 4, deps, redis });
      workers.push(worker);
      return worker;
    },
    async dispatch(invocation) {
      const responder = new RecordingResponder();
      await dispatcher.dispatch(invocation, responder);
      return responder;
    },
    command(platformKind, command, input, extra = {}) {
      const invocation: CommandInvocation = {
        ...base(platformKind, extra.id ?? `cmd-${++counter}`, extra.actor ?? ALICE),
        kind: 'command',
        command,
        ...(input.options ? { options: input.options } : { text: input.text ?? '' }),
        attachments: extra.attachments ?? [],
      };
      return bot.dispatch(invocation);
    },
    mention(platformKind, text, extra = {}) {
      const b = base(platformKind, extra.id ?? `men-${++counter}`, extra.actor ?? ALICE);
      const invocation: MentionInvocation = { ...b, kind: 'mention', text, attachments: extra.attachments ?? [], message: { ...b.conversation, messageId: `msg-${counter}` } };
      return bot.dispatch(invocation);
    },
    async autocomplete(command, option, partial, options) {
      const invocation: AutocompleteInvocation = { ...base('discord', `ac-${++counter}`, ALICE), kind: 'autocomplete', command, option, partial, ...(options ? { options } : {}) };
      let answer: Array<{ name: string; value: string }> = [];
      await dispatcher.dispatch(invocation, { reply: async () => undefined, choices: async (c) => void (answer = c) });
      return answer;
    },
    async jobOf(id) {
      return queue.get(jobIdFor(id));
    },
    async waitFor(jobId, done = (j) => j.step === 'done', timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const job = await queue.get(jobId);
        if (job && done(job)) return job;
        if (Date.now() > until) throw new Error(`job ${jobId} did not get there in time: ${JSON.stringify(job?.step)} ${JSON.stringify(job?.outcome)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await queue.queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      connection.disconnect();
      await krevSim.close();
      await kreaSim?.close();
    },
  };
  return bot;
}
