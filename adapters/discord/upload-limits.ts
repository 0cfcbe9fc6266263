/**
 * The upload limit an interaction states (`attachment_size_limit`, discord.js
 * `interaction.attachmentSizeLimit`), remembered per guild (or the DM workspace) so the REST
 * platform, maybe in a worker process, uploads within it. It is the limit Discord itself applies
 * there, boosts included; a guild's boost tier is only the fallback, and DMs have no guild to ask.
 */
import type { KeyValueStore } from '../../src/ports.js';

/** Boosts come and go; a day-old limit is asked again at the next interaction. */
export const UPLOAD_LIMIT_TTL_SECONDS = 24 * 3600;
const key = (workspaceId: string) => `discord:upload-limit:${workspaceId}`;

export async function rememberUploadLimit(store: KeyValueStore | undefined, workspaceId: string, bytes: number | null | undefined): Promise<void> {
  if (!store || typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes <= 0) return;
  await store.set(key(workspaceId), String(Math.floor(bytes)), UPLOAD_LIMIT_TTL_SECONDS);
}

export async function readUploadLimit(store: KeyValueStore | undefined, workspaceId: string): Promise<number | undefined> {
  if (!store) return undefined;
  const raw = await store.get(key(workspaceId)).catch(() => undefined);
  const bytes = Number(raw);
  return raw !== undefined && Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
}
