/**
 * Per-workspace settings over defaults. Stored as a hash, one JSON value per field, so two admins
 * changing different settings at once do not overwrite each other. Every field is checked with
 * zod on read: a bad stored field falls back to its default (and is logged), the rest is kept.
 */
import { z } from 'zod';
import { UserError } from '../../src/errors.js';
import { CostUnit, ProviderId } from '../../src/generation.js';
import type { Logger } from '../../src/logger.js';
import type { WorkspaceRef } from '../../src/model.js';
import type { SettingsStore, WorkspaceSettings } from '../../src/ports.js';
import { workspaceKey, type StoreOptions } from './keys.js';

/** The defaults the product ships with (the composition root may pass others). */
export const DEFAULT_WORKSPACE_SETTINGS: Readonly<WorkspaceSettings> = Object.freeze({
  defaultProvider: 'krea',
  defaultImageModel: 'image/bfl/flux-1-dev',
  defaultVideoModel: 'video/google/veo-3.1-fast',
  defaultUpscaleModel: 'enhance/topaz/standard-enhance',
  animateEmoji: 'clapper',
  cancelEmoji: 'x',
  maxConcurrentJobs: 4,
  maxConcurrentPerUser: 0,
  maxJobsPerUserPerDay: 0,
  dailySpend: {},
  confirmAbove: {},
  allowedChannels: [],
  reactionsEnabled: true,
  useServerKeys: true,
});

// Names (Slack, Discord custom) or unicode emoji (Discord): anything without colons or spaces.
const emoji = z.string().regex(/^[^\s:]{1,100}$/u, 'must be an emoji name without colons, for example clapper');

export const WorkspaceSettingsSchema = z.object({
  defaultProvider: ProviderId,
  defaultImageModel: z.string().min(1).max(200),
  defaultVideoModel: z.string().min(1).max(200),
  defaultUpscaleModel: z.string().min(1).max(200),
  animateEmoji: emoji,
  cancelEmoji: emoji,
  maxConcurrentJobs: z.number().int().min(1).max(50),
  maxConcurrentPerUser: z.number().int().min(0).max(50),
  maxJobsPerUserPerDay: z.number().int().min(0).max(100_000),
  dailySpend: z.partialRecord(CostUnit, z.number().nonnegative()),
  confirmAbove: z.partialRecord(CostUnit, z.number().nonnegative()),
  allowedChannels: z.array(z.string().min(1).max(64)).max(200),
  reactionsEnabled: z.boolean(),
  useServerKeys: z.boolean(),
});

const FIELDS = Object.keys(WorkspaceSettingsSchema.shape) as Array<keyof WorkspaceSettings>;

export interface SettingsStoreOptions extends StoreOptions {
  defaults?: WorkspaceSettings;
  logger: Logger;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const { redis, prefix, logger } = options;
  const defaults = WorkspaceSettingsSchema.parse(options.defaults ?? DEFAULT_WORKSPACE_SETTINGS);
  const key = (w: WorkspaceRef) => workspaceKey(prefix, w, 'settings');

  const read = async (w: WorkspaceRef): Promise<WorkspaceSettings> => {
    const stored = await redis.hgetall(key(w)).catch((err: unknown) => {
      // A value in an older layout (one JSON string): defaults until an admin saves settings again.
      if (!(err instanceof Error) || !err.message.includes('WRONGTYPE')) throw err;
      logger.warn({ platform: w.platform, workspace: w.workspaceId }, 'stored settings have an old layout; using defaults');
      return {} as Record<string, string>;
    });
    const overrides: Partial<Record<keyof WorkspaceSettings, unknown>> = {};
    const bad: string[] = [];
    for (const [field, raw] of Object.entries(stored)) {
      if (!FIELDS.includes(field as keyof WorkspaceSettings)) continue; // from another version: ignored, not fatal
      const name = field as keyof WorkspaceSettings;
      const parsed = WorkspaceSettingsSchema.shape[name].safeParse(parseJson(raw));
      if (parsed.success) overrides[name] = parsed.data;
      else bad.push(field);
    }
    if (bad.length > 0) logger.warn({ platform: w.platform, workspace: w.workspaceId, fields: bad }, 'stored settings were invalid; using defaults for them');
    // Each override passed its own field's schema.
    return { ...defaults, ...(overrides as Partial<WorkspaceSettings>) };
  };

  return {
    get: read,
    async update(w, patch) {
      const checked = WorkspaceSettingsSchema.partial().safeParse(patch);
      if (!checked.success) {
        const issue = checked.error.issues[0];
        throw new UserError('bad_value', `\`${String(issue?.path[0] ?? 'setting')}\`: ${issue?.message ?? 'invalid value'}`);
      }
      const entries = FIELDS.filter((f) => checked.data[f] !== undefined).flatMap((f) => [f, JSON.stringify(checked.data[f])]);
      if (entries.length > 0) {
        if ((await redis.type(key(w))) === 'string') await redis.del(key(w)); // older layout, see read()
        await redis.hset(key(w), ...entries);
      }
      return read(w);
    },
    async delete(w) {
      await redis.del(key(w));
    },
  };
}
