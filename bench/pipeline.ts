/**
 * Pipeline throughput on one worker process: jobs from enqueue to delivered, with the provider
 * (the Krea simulator, jobs finishing at once) and the platform (the fake Slack, through the real
 * Slack client) answering at once, each in a process of its own, so that this process is the
 * worker alone. Counted on a private redis-server: Redis commands per job,
 * Slack calls per job, provider calls per job, beside the minimum the flow needs. Baseline in the
 * same run: BullMQ itself processing no-op jobs on the same Redis with the same concurrency.
 */
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { startSimulatorProcess } from './simulator-process.js';
import { createKreaProvider } from '../adapters/providers/krea/client.js';
import { createModelCatalog } from '../adapters/providers/model-catalog.js';
import { createCallPacer } from '../adapters/redis/call-pacer.js';
import { createEditBudget } from '../adapters/redis/edit-budget.js';
import { createMessageIndex, createSettingsStore } from '../adapters/redis/stores.js';
import { createSlackPlatform } from '../adapters/slack/platform.js';
import { createGenerationQueue } from '../jobs/queue.js';
import { createRedisConnection } from '../jobs/redis-connection.js';
import { createGenerationWorker } from '../jobs/worker.js';
import { silentLogger } from '../src/logger.js';
import { createPipelineFetch } from '../src/main/media-fetch.js';
import { noopMetrics } from '../src/metrics-port.js';
import type { WorkspaceRef } from '../src/model.js';
import type { ChatPlatform } from '../src/ports.js';
import { freePort, OwnRedis } from '../test/helpers/chaos-cluster.js';
import { benchJob, fmt, pct, processStats, redisCommandCounts, redisCommands, topCommands, waitUntil, type Row } from './lib.js';
import { platformFiles } from '../test/helpers/platform-files.js';
import { startSlackProcess } from './slack-process.js';

const MIN_SLACK_CALLS = 5; // status post, final update, files.getUploadURLExternal, the upload, files.completeUploadExternal
const MIN_PROVIDER_CALLS = 3; // submit, one poll, one download
const CONCURRENCY = 64;

/** " (chat.update 2, …)" for the methods Slack refused, or nothing. */
function limitedMethods(limited: ReadonlyArray<{ method: string }>): string {
  const by = new Map<string, number>();
  for (const l of limited) by.set(l.method, (by.get(l.method) ?? 0) + 1);
  return by.size === 0 ? '' : ` (${[...by].map(([m, n]) => `${m} ${n}`).join(', ')})`;
}

export async function benchPipeline(options: { jobs: number; workspaces: number }): Promise<Row[]> {
  const own = new OwnRedis(await freePort(), 'everysec');
  await own.start();
  // The connections production opens (jobs/redis-connection.ts): the stores' client autopipelined, the worker's not.
  const redis = createRedisConnection(own.url, { name: 'genbot' });
  const connection = createRedisConnection(own.url, { forWorker: true, name: 'genbot-worker' });
  // Slack's clock is not the worker's: in this process, a saturated event loop would delay the
  // fake's reading of each call and fake rate-limit answers that Slack would not give.
  const slack = await startSlackProcess();
  // The provider runs in its own process, as a real one would: its PNG drawing is not the pipeline's cost.
  const sim = await startSimulatorProcess();
  const logger = silentLogger();
  const prefix = 'bench';
  const krea = createKreaProvider({ baseUrl: sim.url, logger });
  const catalog = createModelCatalog({ sources: [krea], logger });
  await catalog.list('krea');
  const fetcher = createPipelineFetch({ providerUrls: [sim.url] });
  let downloads = 0;
  const platforms = new Map<string, ChatPlatform>();
  // Slack's limits paced per workspace as in production (the fake enforces them).
  const pacer = createCallPacer({ redis, prefix: 'bench', clock: { now: () => Date.now() } });
  const forWorkspace = async (w: WorkspaceRef) => {
    let p = platforms.get(w.workspaceId);
    if (!p) platforms.set(w.workspaceId, (p = createSlackPlatform({ token: `xoxb-${w.workspaceId}`, apiUrl: slack.apiUrl, teamId: w.workspaceId, logger, downloadFile: platformFiles(slack.apiUrl), pacer })));
    return p;
  };
  const settings = createSettingsStore({ redis, prefix, logger });
  const worker = createGenerationWorker({
    connection,
    redis,
    prefix,
    concurrency: CONCURRENCY,
    deps: {
      providers: { krea },
      resolveCredentials: async () => ({ apiKey: 'bench' }),
      platforms: { forWorkspace },
      catalog,
      settings,
      editBudget: createEditBudget({ redis, prefix, clock: { now: () => Date.now() } }),
      messageIndex: createMessageIndex({ redis, prefix }),
      fetchMedia: async (media, maxBytes, signal) => {
        downloads++;
        return fetcher.fetchMedia(media, maxBytes, signal);
      },
      clock: { now: () => Date.now() },
      logger,
      metrics: noopMetrics,
      limits: { maxInputBytes: 20 * 1024 * 1024, maxOutputBytes: 50 * 1024 * 1024 },
      // Polls scaled down: this measures the pipeline's own cost, not the provider's time.
      timeScale: 0.01,
      // Status edits paced as in production (3 s apart): a job this short shows "Queued", then its result.
      progressGapMs: 3000,
    },
  });
  const queue = createGenerationQueue({ connection: redis, prefix });
  const W = (i: number): WorkspaceRef => ({ platform: 'slack', workspaceId: `T${i % options.workspaces}` });
  const tokens: Record<string, string> = {};
  for (let i = 0; i < options.workspaces; i++) {
    await settings.update(W(i), { maxConcurrentJobs: 50 });
    tokens[`xoxb-${W(i).workspaceId}`] = W(i).workspaceId; // each workspace its own install, limited on its own
  }
  await slack.setTokens(tokens);
  let n = 0;
  const job = (i: number) => benchJob(`g-bench-${++n}`, i, options.workspaces);
  const finished = async (target: number) => {
    const c = await queue.queue.getJobCounts('completed', 'failed');
    return (c['completed'] ?? 0) + (c['failed'] ?? 0) >= target;
  };

  // Warm-up: connections, scripts, JIT.
  for (let i = 0; i < 50; i++) await queue.enqueue(job(i));
  await waitUntil(() => finished(50), 60_000, 'warm-up').catch(async (err: unknown) => {
    throw new Error(`${String(err)}: ${JSON.stringify(await queue.queue.getJobCounts())}, 429s ${(await slack.stats()).limited.length}`);
  });

  const commandsBefore = await redisCommands(redis);
  const countsBefore = await redisCommandCounts(redis);
  const slackBefore = await slack.stats();
  const simBefore = await sim.requestCount();
  const downloadsBefore = downloads;
  const cpu0 = process.cpuUsage();
  // The other processes' CPU: on two cores, what the fakes and Redis take is what the worker cannot have.
  const othersCpu = () => ({ fakes: processStats(slack.pid).cpuSeconds + processStats(sim.pid).cpuSeconds, redis: own.pid ? processStats(own.pid).cpuSeconds : NaN });
  const others0 = othersCpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: options.jobs }, (_, i) => queue.enqueue(job(i))));
  await waitUntil(() => finished(50 + options.jobs), 300_000, 'all jobs').catch(async (err: unknown) => {
    const { limited } = await slack.stats();
    throw new Error(`${String(err)}: ${JSON.stringify(await queue.queue.getJobCounts())}, 429s ${limited.length} ${JSON.stringify(limited.slice(0, 3))}`);
  });
  const seconds = (performance.now() - t0) / 1000;
  // This process is the worker (and the enqueuing, a small part): its CPU per job is steadier than jobs/s on a shared machine.
  const cpu = process.cpuUsage(cpu0);
  const cpuMsPerJob = (cpu.user + cpu.system) / 1000 / options.jobs;
  const others1 = othersCpu();
  const fakesMsPerJob = ((others1.fakes - others0.fakes) * 1000) / options.jobs;
  const redisMsPerJob = ((others1.redis - others0.redis) * 1000) / options.jobs;
  const commands = ((await redisCommands(redis)) - commandsBefore) / options.jobs;
  const top = topCommands(countsBefore, await redisCommandCounts(redis), options.jobs);
  const slackAfter = await slack.stats();
  const slackCalls = (slackAfter.calls - slackBefore.calls + options.jobs) / options.jobs; // + the upload POST, which is not an API call
  const slackMethods = Object.entries(slackAfter.methods).map(([m, n]) => [m, n - (slackBefore.methods[m] ?? 0)] as const).filter(([, n]) => n > 0);
  const slackTop = slackMethods.sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${fmt(n / options.jobs, 2)}`).join(', ');
  const providerCalls = ((await sim.requestCount()) - simBefore + downloads - downloadsBefore) / options.jobs;
  const failed = (await queue.queue.getJobCounts('failed'))['failed'] ?? 0;
  // Where a job's time goes: enqueue → slot → accepted by the provider → provider done → ended.
  const sample = (await Promise.all(Array.from({ length: 40 }, (_, i) => queue.get(`g-bench-${50 + 1 + Math.floor((i * options.jobs) / 40)}`)))).filter((j) => j?.outcome);
  const phase = (f: (j: NonNullable<(typeof sample)[number]>) => number | undefined) => pct(sample.map((j) => f(j!) ?? NaN).filter(Number.isFinite), 50);
  const phases = {
    toSlot: phase((j) => (j.slotAt ?? NaN) - j.createdAt),
    toAccepted: phase((j) => (j.submittedAt ?? NaN) - (j.slotAt ?? NaN)),
    toCompleted: phase((j) => (j.completedAt ?? NaN) - (j.submittedAt ?? NaN)),
    toEnded: phase((j) => j.outcome!.finishedAt - (j.completedAt ?? NaN)),
  };

  // Baseline: BullMQ alone, no-op jobs, same Redis, same concurrency.
  const noop = new Queue('noop', { connection, prefix });
  let done = 0;
  const noopWorker = new Worker('noop', async () => void done++, { connection, prefix, concurrency: CONCURRENCY });
  const noopBefore = await redisCommands(redis);
  const b0 = performance.now();
  await noop.addBulk(Array.from({ length: options.jobs }, (_, i) => ({ name: 'noop', data: { i } })));
  await waitUntil(() => done >= options.jobs, 120_000, 'no-op jobs');
  const baseline = options.jobs / ((performance.now() - b0) / 1000);
  const noopCommands = ((await redisCommands(redis)) - noopBefore) / options.jobs;

  await noopWorker.close();
  await noop.close();
  await worker.close();
  await queue.close();
  await fetcher.close();
  await sim.close();
  await slack.close();
  redis.disconnect();
  connection.disconnect();
  await own.destroy();

  const perSecond = options.jobs / seconds;
  return [
    { figure: `pipeline: ${options.jobs} jobs, ${options.workspaces} workspaces, 1 worker (concurrency ${CONCURRENCY})`, value: `${fmt(perSecond)} jobs/s${failed ? ` (${failed} failed)` : ''}; worker CPU ${fmt(cpuMsPerJob)} ms/job (Redis ${fmt(redisMsPerJob)}, fake Slack and provider ${fmt(fakesMsPerJob)})`, baseline: `BullMQ no-op ${fmt(baseline, 0)} jobs/s`, goal: '≥ 300 jobs/s', met: perSecond >= 300 },
    { figure: 'pipeline: Redis commands per job', value: `${fmt(commands)} (${top})`, baseline: `BullMQ no-op job ${fmt(noopCommands)}` },
    { figure: 'pipeline: p50 phases (ms)', value: `slot ${fmt(phases.toSlot, 0)}, accepted ${fmt(phases.toAccepted, 0)}, provider done ${fmt(phases.toCompleted, 0)}, delivered ${fmt(phases.toEnded, 0)}`, baseline: 'provider job 100 ms' },
    { figure: 'pipeline: Slack 429 answers', value: `${slackAfter.limited.length}${limitedMethods(slackAfter.limited)}`, baseline: 'Slack’s tiers enforced by the fake', goal: '0', met: slackAfter.limited.length === 0 },
    { figure: 'pipeline: Slack calls per job', value: `${fmt(slackCalls, 2)} (${slackTop}, upload 1)`, baseline: `minimum ${MIN_SLACK_CALLS}`, goal: `≤ ${fmt(MIN_SLACK_CALLS * 1.2)}`, met: slackCalls <= MIN_SLACK_CALLS * 1.2 },
    { figure: 'pipeline: provider calls per job', value: fmt(providerCalls, 2), baseline: `minimum ${MIN_PROVIDER_CALLS}`, goal: `≤ ${fmt(MIN_PROVIDER_CALLS * 1.2)}`, met: providerCalls <= MIN_PROVIDER_CALLS * 1.2 },
  ];
}
