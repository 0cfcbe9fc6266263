/**
 * A real three-master Redis Cluster on loopback for tests and benchmarks: three `redis-server
 * --cluster-enabled yes` processes joined with `redis-cli --cluster create`, torn down after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './chaos-cluster.js';

export interface LocalCluster {
  nodes: string[];
  url: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function clusterInfo(port: number, password?: string): string {
  return spawnSync('redis-cli', ['-p', String(port), ...(password ? ['--no-auth-warning', '-a', password] : []), 'cluster', 'info'], { encoding: 'utf8' }).stdout ?? '';
}

/** `password`: every node requires it (requirepass, masterauth), as a managed cluster with AUTH does. */
export async function startLocalCluster(masters = 3, options: { password?: string } = {}): Promise<LocalCluster> {
  const { password } = options;
  const auth = password ? ['--requirepass', password, '--masterauth', password] : [];
  const cliAuth = password ? ['--no-auth-warning', '-a', password] : [];
  const dir = mkdtempSync(join(tmpdir(), 'genbot-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const children: ChildProcess[] = ports.map((port) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...auth], { stdio: 'ignore' }),
  );
  const stop = async () => {
    for (const child of children) child.kill('SIGKILL');
    await sleep(100);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) {
      for (let i = 0; i < 100 && !clusterInfo(port, password).includes('cluster_enabled') && !clusterInfo(port, password).includes('cluster_state'); i++) await sleep(50);
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    const created = spawnSync('redis-cli', [...cliAuth, '--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stderr || created.stdout}`);
    for (let i = 0; i < 200 && !ports.every((p) => clusterInfo(p, password).includes('cluster_state:ok')); i++) await sleep(50);
    if (!ports.every((p) => clusterInfo(p, password).includes('cluster_state:ok'))) throw new Error('the cluster did not reach cluster_state:ok');
    return { nodes, url: `redis+cluster://${password ? `:${encodeURIComponent(password)}@` : ''}${nodes.join(',')}`, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
