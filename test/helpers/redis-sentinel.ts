/**
 * A real Redis Sentinel setup on loopback for tests: a master, one replica and one sentinel
 * (quorum 1, a master counted down after 1 s), so a failover can be caused by killing the master.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './chaos-cluster.js';

export interface LocalSentinel {
  /** host:port of the sentinel. */
  sentinels: string[];
  master: string;
  url: string;
  /** The port the sentinels name as master now. */
  masterPort(): number | undefined;
  /** SIGKILLs the current master, as a crashed machine would. */
  killMaster(): void;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout ?? '';

export async function startLocalSentinel(master = 'genbot-test'): Promise<LocalSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'genbot-sentinel-'));
  const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const server = (port: number, extra: string[] = []) =>
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `dump-${port}.rdb`, '--save', '', '--appendonly', 'no', ...extra], { stdio: 'ignore' });
  const processes = new Map<number, ChildProcess>();
  processes.set(masterPort!, server(masterPort!));
  processes.set(replicaPort!, server(replicaPort!, ['--replicaof', '127.0.0.1', String(masterPort)]));
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(conf, [`port ${sentinelPort}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor ${master} 127.0.0.1 ${masterPort} 1`, `sentinel down-after-milliseconds ${master} 1000`, `sentinel failover-timeout ${master} 5000`, ''].join('\n'));
  const stop = async () => {
    for (const child of processes.values()) child.kill('SIGKILL');
    await sleep(100);
    rmSync(dir, { recursive: true, force: true });
  };
  const masterPortNow = () => {
    const port = Number(cli(sentinelPort!, 'sentinel', 'get-master-addr-by-name', master).split('\n')[1]);
    return Number.isFinite(port) && port > 0 ? port : undefined;
  };
  try {
    for (let i = 0; i < 100 && !cli(replicaPort!, 'info', 'replication').includes('master_link_status:up'); i++) await sleep(50);
    processes.set(sentinelPort!, spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    // Ready when the sentinel names the master and has found its replica.
    for (let i = 0; i < 100 && !(masterPortNow() === masterPort && cli(sentinelPort!, 'sentinel', 'replicas', master).includes(String(replicaPort))); i++) await sleep(100);
    if (masterPortNow() !== masterPort) throw new Error('the sentinel did not come up');
    const sentinels = [`127.0.0.1:${sentinelPort}`];
    return {
      sentinels,
      master,
      url: `redis+sentinel://${sentinels.join(',')}/${master}`,
      masterPort: masterPortNow,
      killMaster() {
        const port = masterPortNow();
        if (port) processes.get(port)?.kill('SIGKILL');
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
