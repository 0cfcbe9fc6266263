/**
 * Slack installations (bot tokens per workspace) in Redis, through an encrypted key/value store,
 * and the directory workers use to reach a workspace by its team id.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { PlatformError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import type { CallPacer, ChatPlatform, KeyValueStore, PlatformDirectory, PlatformFileDownloader } from '../../src/ports.js';
import { createSlackPlatform } from './platform.js';
import { LruMap } from '../../src/lru-map.js';

const keyOf = (q: { teamId?: string | undefined; enterpriseId?: string | undefined; isEnterpriseInstall?: boolean | undefined }) =>
  q.isEnterpriseInstall && q.enterpriseId ? `slack:install:E:${q.enterpriseId}` : `slack:install:T:${q.teamId ?? ''}`;

export function createSlackInstallationStore(kv: KeyValueStore): InstallationStore & { botToken(teamId: string): Promise<string | undefined> } {
  return {
    async storeInstallation(installation: Installation) {
      const key = keyOf({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, isEnterpriseInstall: installation.isEnterpriseInstall });
      await kv.set(key, JSON.stringify(installation));
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const raw = await kv.get(keyOf(query));
      if (!raw) throw new Error(`no installation for ${query.teamId ?? query.enterpriseId}`);
      return JSON.parse(raw) as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await kv.delete(keyOf(query));
    },
    async botToken(teamId: string) {
      const raw = await kv.get(keyOf({ teamId }));
      return raw ? (JSON.parse(raw) as Installation).bot?.token : undefined;
    },
  };
}

export interface SlackDirectoryOptions {
  apiUrl: string;
  logger: Logger;
  /** Single-workspace mode: the one bot token. */
  botToken?: string;
  /** The team of that token (from auth.test), so other teams are refused. */
  botTeamId?: string;
  installations?: { botToken(teamId: string): Promise<string | undefined> };
  /** Every workspace's file downloads, through the SSRF-safe fetcher. */
  downloadFile: PlatformFileDownloader;
  /** Paces every workspace's calls under Slack's limits. */
  pacer?: CallPacer;
  historyPerMinute?: number;
  /** Workspaces whose platform objects are kept ready (least recently used forgotten); default 1,000. */
  maxCached?: number;
}

export function createSlackPlatformDirectory(options: SlackDirectoryOptions): PlatformDirectory {
  // Bounded: a worker of a many-workspace install must not keep every workspace it ever served.
  const cache = new LruMap<string, { token: string; platform: ChatPlatform }>(options.maxCached ?? 1000);
  return {
    async forWorkspace(workspace) {
      const teamId = workspace.workspaceId;
      const token = options.botToken && (!options.botTeamId || options.botTeamId === teamId) ? options.botToken : await options.installations?.botToken(teamId);
      if (!token) throw new PlatformError('slack', 'invalid_auth', `The bot is not installed in Slack workspace ${teamId}.`);
      const cached = cache.get(teamId);
      if (cached && cached.token === token) return cached.platform;
      const platform = createSlackPlatform({
        token,
        apiUrl: options.apiUrl,
        teamId,
        logger: options.logger,
        downloadFile: options.downloadFile,
        ...(options.pacer ? { pacer: options.pacer } : {}),
        ...(options.historyPerMinute ? { historyPerMinute: options.historyPerMinute } : {}),
      });
      cache.set(teamId, { token, platform });
      return platform;
    },
  };
}

/** Readiness: the Slack Web API answers and accepts the bot token (single workspace) or is reachable. */
export async function checkSlackReachable(apiUrl: string, botToken: string | undefined, signal: AbortSignal): Promise<void> {
  const res = await fetch(new URL('api.test', apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`), { method: 'POST', signal, ...(botToken ? { headers: { authorization: `Bearer ${botToken}` } } : {}) });
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean };
  if (!res.ok || body.ok === false) throw new Error(`Slack API answered ${res.status}`);
}
