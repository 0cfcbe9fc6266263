/** The Krea simulator in a child process (`npm run simulate:krea`), so a bench measures the bot, not the fake provider. */
import { spawn } from 'node:child_process';
import { freePort } from '../test/helpers/chaos-cluster.js';
import { inheritedPath } from '../test/helpers/chaos-mode.js';
import { fakeNodeArgs, sleep, stopProcess } from './lib.js';

export interface SimulatorProcess {
  url: string;
  /** Requests the simulator recorded (its control API). */
  requestCount(): Promise<number>;
  /** The recorded requests themselves: method and path. */
  requests(): Promise<Array<{ method: string; path: string }>>;
  pid: number;
  close(): Promise<void>;
}

/** Jobs end after `jobSeconds`; every image of a size is the same picture, drawn once (drawing is the provider's cost, not the bot's). */
export async function startSimulatorProcess(jobSeconds = 0.1): Promise<SimulatorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...fakeNodeArgs(), '--import', 'tsx', 'src/main/simulate-krea.ts'], {
    env: { PATH: inheritedPath(), KREA_SIMULATOR_PORT: String(port), KREA_SIMULATOR_JOB_SECONDS: String(jobSeconds), KREA_SIMULATOR_ONE_IMAGE: 'true', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (await fetch(`${url}/openapi.json`).then((r) => r.ok, () => false)) break;
    await sleep(50);
  }
  return {
    url,
    pid: child.pid!,
    async requests() {
      const res = await fetch(`${url}/__sim/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return (await res.json()) as Array<{ method: string; path: string }>;
    },
    async requestCount() {
      const res = await fetch(`${url}/__sim/requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return ((await res.json()) as unknown[]).length;
    },
    close: () => stopProcess(child),
  };
}
