/**
 * Scale-out: jobs per second with 1, 2 and 4 worker processes (`BOT_ROLE=worker`, each its own
 * Node process) on one Redis, and on a local three-master Redis Cluster (`REDIS_CLUSTER_NODES`,
 * the `{bench}` hash-tag prefix). Jobs go straight into the queue as the ingress would enqueue
 * them, spread over many workspaces (one team's Slack limits are measured in the busy section);
 * the Krea simulator runs in its own process and the fake Slack in this one. Also reported: CPU
 * milliseconds per job in the workers and in Redis, which is what predicts the curve past this
 * machine: jobs/s ≈ cores for workers ÷ worker CPU per job, until Redis's one core runs out at
 * 1 ÷ Redis CPU per job.
 */
import { performance } from 'node:perf_hooks';
import { createGenerationQueue } from '../jobs/queue.js';
import { createRedisConnection, type RedisClient } from '../jobs/redis-connection.js';
import { FakeSlack } from '../test/fakes/slack/server.js';
import { freePort, OwnRedis } from '../test/helpers/chaos-cluster.js';
import { startLocalCluster } from '../test/helpers/redis-cluster.js';
import { benchJob, fmt, processStats, waitUntil, type Row } from './lib.js';
import { startSimulatorProcess, type SimulatorProcess } from './simulator-process.js';
import { buildOnce, startBotProcess, type BotProcess } from './worker-process.js';

interface RunResult {
  perSecond: number;
  workerCpuMsPerJob: number;
  redisCpuMsPerJob?: number;
  /** The simulator and the bench process (fake Slack), which share the machine's cores. */
  otherCpuMsPerJob: number;
  failed: number;
}

async function runWorkers(target: { url?: string; clusterNodes?: string[]; redisPid?: number }, workers: number, jobs: number, sim: SimulatorProcess, slack: FakeSlack): Promise<RunResult> {
  const prefix = target.clusterNodes ? '{bench}' : 'bench';
  const env = {
    BOT_ROLE: 'worker',
    ...(target.clusterNodes ? { REDIS_CLUSTER_NODES: target.clusterNodes.join(',') } : { REDIS_URL: target.url! }),
    REDIS_PREFIX: prefix,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: slack.apiUrl,
    KREA_API_URL: sim.url,
    KREA_API_TOKEN: 'krea-bench-key',
    // The provider's time scaled away: this measures the bot's own cost per job.
    POLL_SCALE: '0.01',
    WORKER_CONCURRENCY: '64',
  };
  const procs: BotProcess[] = [];
  for (let i = 0; i < workers; i++) procs.push(startBotProcess({ ...env, PORT: String(await freePort()), HOST: '127.0.0.1' }));
  const connection: RedisClient = createRedisConnection(target.clusterNodes ? { clusterNodes: target.clusterNodes } : { url: target.url! });
  const queue = createGenerationQueue({ connection, prefix });
  const finished = async (n: number) => {
    const c = await queue.queue.getJobCounts('completed', 'failed');
    return (c['completed'] ?? 0) + (c['failed'] ?? 0) >= n;
  };
  const report = (err: unknown) => {
    throw new Error(`${String(err)}\n${procs.map((p) => p.output()).join('\n---\n')}`);
  };
  const warm = 40 * workers;
  let n = 0;
  const workspaces = Math.max(40, jobs / 2);
  await Promise.all(Array.from({ length: warm }, (_, i) => queue.enqueue(benchJob(`g-scale-${++n}`, i, workspaces))));
  await waitUntil(() => finished(warm), 120_000, 'warm-up').catch(report);

  const cpu = () => procs.reduce((s, p) => s + processStats(p.child.pid!).cpuSeconds, 0);
  const redisCpu = () => (target.redisPid ? processStats(target.redisPid).cpuSeconds : NaN);
  // The rest of the machine: the simulator, and this process (the fake Slack and the enqueuing).
  const otherCpu = () => processStats(sim.pid).cpuSeconds + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
  const cpu0 = cpu();
  const r0 = redisCpu();
  const o0 = otherCpu();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: jobs }, (_, i) => queue.enqueue(benchJob(`g-scale-${++n}`, i, workspaces))));
  await waitUntil(() => finished(warm + jobs), 600_000, `${jobs} jobs on ${workers} workers`).catch(report);
  const seconds = (performance.now() - t0) / 1000;
  const result: RunResult = {
    perSecond: jobs / seconds,
    workerCpuMsPerJob: ((cpu() - cpu0) * 1000) / jobs,
    ...(target.redisPid ? { redisCpuMsPerJob: ((redisCpu() - r0) * 1000) / jobs } : {}),
    otherCpuMsPerJob: ((otherCpu() - o0) * 1000) / jobs,
    failed: (await queue.queue.getJobCounts('failed'))['failed'] ?? 0,
  };
  await Promise.all(procs.map((p) => p.stop()));
  await queue.close();
  connection.disconnect();
  return result;
}

export async function benchScale(options: { jobs: number; workers: number[]; cluster: boolean }): Promise<Row[]> {
  buildOnce();
  const slack = new FakeSlack();
  // One bot token serves every benchmark workspace here, so the fake would count them as one team.
  slack.enforceRateLimits = false;
  // Counts instead of records: nothing here reads the calls, and kept uploads would grow with every run.
  slack.recordCalls = false;
  slack.keepUploadBytes = false;
  await slack.start();
  const sim = await startSimulatorProcess();
  const rows: Row[] = [];
  const single: Array<[number, RunResult]> = [];
  try {
    for (const workers of options.workers) {
      const own = new OwnRedis(await freePort(), 'everysec');
      await own.start();
      single.push([workers, await runWorkers({ url: own.url, redisPid: own.pid! }, workers, options.jobs, sim, slack)]);
      await own.destroy();
    }
    const onCluster: Array<[number, RunResult]> = [];
    if (options.cluster) {
      const cluster = await startLocalCluster(3);
      try {
        for (const workers of new Set([options.workers[0]!, options.workers.at(-1)!])) onCluster.push([workers, await runWorkers({ clusterNodes: cluster.nodes }, workers, options.jobs, sim, slack)]);
      } finally {
        await cluster.stop();
      }
    }
    const one = single[0]![1].perSecond;
    for (const [workers, r] of single) {
      rows.push({
        figure: `scale-out: ${options.jobs} jobs, ${workers} worker process${workers > 1 ? 'es' : ''}, one Redis`,
        value: `${fmt(r.perSecond)} jobs/s (${fmt(r.perSecond / one, 2)}×)${r.failed ? `, ${r.failed} failed` : ''}; worker CPU ${fmt(r.workerCpuMsPerJob)} ms/job, Redis CPU ${fmt(r.redisCpuMsPerJob ?? NaN, 2)} ms/job, simulator and fake Slack ${fmt(r.otherCpuMsPerJob)} ms/job`,
        baseline: workers === 1 ? 'the pipeline section (a worker in the bench process)' : `1 worker ${fmt(one)} jobs/s`,
      });
    }
    for (const [workers, r] of onCluster) {
      const same = single.find(([w]) => w === workers)![1].perSecond;
      rows.push({
        figure: `scale-out: ${options.jobs} jobs, ${workers} worker process${workers > 1 ? 'es' : ''}, Redis Cluster (3 masters)`,
        value: `${fmt(r.perSecond)} jobs/s${r.failed ? `, ${r.failed} failed` : ''}; worker CPU ${fmt(r.workerCpuMsPerJob)} ms/job`,
        baseline: `one Redis, ${workers} worker${workers > 1 ? 's' : ''}: ${fmt(same)} jobs/s`,
      });
    }
    const redisMs = single[0]![1].redisCpuMsPerJob ?? NaN;
    rows.push({ figure: 'scale-out: where one Redis runs out', value: `≈ ${fmt(1000 / redisMs, 0)} jobs/s (1 core ÷ ${fmt(redisMs, 2)} ms Redis CPU per job)`, baseline: `≈ ${fmt(1000 / single[0]![1].workerCpuMsPerJob, 0)} jobs/s per worker core` });
  } finally {
    await sim.close();
    await slack.stop();
  }
  return rows;
}
