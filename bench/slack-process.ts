/** The fake Slack in a child process (./fake-slack-main.ts), with its limits enforced: a bench then measures the worker, not the fake. */
import { spawn } from 'node:child_process';
import { freePort } from '../test/helpers/chaos-cluster.js';
import { inheritedPath } from '../test/helpers/chaos-mode.js';
import { fakeNodeArgs, stopProcess } from './lib.js';

export interface SlackStats {
  calls: number;
  methods: Record<string, number>;
  limited: Array<{ method: string; channel?: string }>;
}

export interface SlackProcess {
  apiUrl: string;
  pid: number;
  setTokens(tokens: Record<string, string>): Promise<void>;
  stats(): Promise<SlackStats>;
  close(): Promise<void>;
}

export async function startSlackProcess(): Promise<SlackProcess> {
  const controlPort = await freePort();
  const child = spawn(process.execPath, [...fakeNodeArgs(), '--import', 'tsx', 'bench/fake-slack-main.ts'], { env: { PATH: inheritedPath(), FAKE_SLACK_CONTROL_PORT: String(controlPort) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`the fake Slack exited (${code})`)));
  });
  const control = `http://127.0.0.1:${controlPort}`;
  return {
    apiUrl: `${url}/api/`,
    pid: child.pid!,
    async setTokens(tokens) {
      await fetch(`${control}/tokens`, { method: 'POST', body: JSON.stringify(tokens) });
    },
    async stats() {
      return (await (await fetch(`${control}/stats`)).json()) as SlackStats;
    },
    close: () => stopProcess(child),
  };
}
