/**
 * The sweeper at scale: one sweep (jobs/sweeper.ts) over 10,000 jobs in flight in 5,000
 * workspaces, each a delayed BullMQ job with its running and active marks, on a private
 * redis-server. Baseline in the same run: reading the BullMQ state of the same ids alone, the
 * least a sweep that checks every job can do. Every worker process runs the sweep once a
 * SWEEP_SECONDS interval (one of them at a time), so its CPU is a share of a core at that scale.
 */
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { createSettingsStore } from '../adapters/redis/stores.js';
import { jobKeys, QUEUE_NAME, workspaceMember } from '../jobs/keys.js';
import { createRedisConnection } from '../jobs/redis-connection.js';
import { sweepOnce, SWEEP_EVERY_MS } from '../jobs/sweeper.js';
import { silentLogger } from '../src/logger.js';
import { freePort, OwnRedis } from '../test/helpers/chaos-cluster.js';
import { fmt, type Row } from './lib.js';

export async function benchSweep(options: { jobs: number }): Promise<Row[]> {
  const own = new OwnRedis(await freePort());
  await own.start();
  const redis = createRedisConnection(own.url);
  const prefix = 'sweep';
  const keys = jobKeys(prefix);
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix });
  const ids = Array.from({ length: options.jobs }, (_, i) => `g-sweep-${i}`);
  for (let i = 0; i < ids.length; i += 500) {
    await queue.addBulk(ids.slice(i, i + 500).map((id) => ({ name: 'generate', data: { v: 2, id, pad: 'x'.repeat(2000) }, opts: { jobId: id, delay: 3_600_000 } })));
  }
  const workspaces = Math.ceil(options.jobs / 2);
  await Promise.all(
    ids.map((id, i) => {
      const w = { platform: 'slack' as const, workspaceId: `T${i % workspaces}` };
      return Promise.all([redis.sadd(keys.active(w), id), redis.sadd(keys.running(w), id), redis.sadd(keys.workspaces(), workspaceMember(w))]);
    }),
  );
  const logger = silentLogger();
  const settings = createSettingsStore({ redis, prefix, logger });
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const b0 = cpu();
  const bt = performance.now();
  for (let i = 0; i < ids.length; i += 200) await Promise.all(ids.slice(i, i + 200).map((id) => queue.getJobState(id)));
  const baseCpu = cpu() - b0;
  const baseWall = performance.now() - bt;
  const s0 = cpu();
  const st = performance.now();
  const report = await sweepOnce({ redis, prefix, queue, settings, logger, providers: ['krea'] });
  const sweepCpu = cpu() - s0;
  const sweepWall = performance.now() - st;
  await queue.close();
  redis.disconnect();
  await own.destroy();
  const label = `sweeper: one sweep of ${fmt(options.jobs, 0)} jobs in flight in ${fmt(workspaces, 0)} workspaces`;
  return [
    {
      figure: label,
      value: `${fmt(sweepCpu, 0)} ms CPU (${fmt(sweepWall, 0)} ms), ${fmt((sweepCpu / SWEEP_EVERY_MS) * 100, 1)} % of a core at one sweep a minute${report.dropped + report.repaired ? `, ${report.dropped + report.repaired} repaired` : ''}`,
      baseline: `the BullMQ state of every id alone: ${fmt(baseCpu, 0)} ms CPU (${fmt(baseWall, 0)} ms)`,
    },
  ];
}
