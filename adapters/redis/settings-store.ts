/**
 * Per-workspace settings over defaults. Stored as a hash, one JSON value per field, so two admins
 * changing different settings at once do not overwrite each other. Every field is checked with
 * zod on read: a bad stored field falls back to its default (and is logged), the rest is kept.
 */
import { z } from 'zod';
import { UserError } from '../../src/errors.js';
import { ProviderId } from '../../src/generation.js';
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
});

const emoji = z.string().regex(/^[a-z0-9_+'-]{1,100}$/, 'an emoji name without colons, for example clapper');

export const WorkspaceSettingsSchema = z.object({
  defaultProvider: ProviderId,
  defaultImageModel: z.string().min(1).max(200),
  defaultVideoModel: z.string().min(1).max(200),
  defaultUpscaleModel: z.string().min(1).max(200),
  animateEmoji: emoji,
  cancelEmoji: emoji,
  maxConcurrentJobs: z.number().int().min(1).max(50),
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
    const stored = await redis.hgetall(key(w));
    const result: Record<string, unknown> = { ...defaults };
    const bad: string[] = [];
    for (const [field, raw] of Object.entries(stored)) {
      const schema = WorkspaceSettingsSchema.shape[field as keyof WorkspaceSettings];
      if (!schema) continue; // a field from a newer or older version: ignored, not fatal
      const parsed = schema.safeParse(parseJson(raw));
      if (parsed.success) result[field] = parsed.data;
      else bad.push(field);
    }
    if (bad.length > 0) logger.warn({ platform: w.platform, workspace: w.workspaceId, fields: bad }, 'stored settings were invalid; using defaults for them');
    return result as WorkspaceSettings;
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
      if (entries.length > 0) await redis.hset(key(w), ...entries);
      return read(w);
    },
    async delete(w) {
      await redis.del(key(w));
    },
  };
}
