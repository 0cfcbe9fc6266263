/** ChatPlatform for the playground: the same outbound port Slack and Discord implement. */
import { PlatformError } from '../../src/errors.js';
import type { ConversationRef, MediaFile, MediaRef, MessageRef } from '../../src/model.js';
import type { ChatPlatform, Clock, OutgoingFile, UploadResult } from '../../src/ports.js';
import { localizeView } from '../../src/hints.js';
import { textView, type MessageView } from '../../src/view.js';
import type { WebChannelStore } from './store.js';

export const WEB_WORKSPACE = 'local';
export const WEB_CHANNEL = 'playground';
export const WEB_MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

/** A playground thread is its parent message's id: no call needed. */
function threadUnder(message: MessageRef): ConversationRef {
  return { platform: 'web', workspaceId: WEB_WORKSPACE, channelId: message.channelId, threadId: message.threadId ?? message.messageId };
}

export function createWebPlatform(store: WebChannelStore, baseUrl: () => string, clock: Clock = { now: () => Date.now() }): ChatPlatform {
  const ref = (id: string, threadId?: string): MessageRef => ({ platform: 'web', workspaceId: WEB_WORKSPACE, channelId: WEB_CHANNEL, messageId: id, ...(threadId ? { threadId } : {}) });
  const fileId = (url: string) => /\/files\/([^/]+)/.exec(new URL(url).pathname)?.[1];

  return {
    platform: 'web',
    async post(to: ConversationRef, raw: MessageView) {
      const view = localizeView(raw, 'web');
      const id = store.nextId('m');
      store.upsert({ id, channelId: to.channelId, ...(to.threadId ? { threadId: to.threadId } : {}), author: 'bot', view, files: [], createdAt: clock.now() });
      return ref(id, to.threadId);
    },
    async update(message: MessageRef, raw: MessageView) {
      const view = localizeView(raw, 'web');
      const existing = store.get(message.messageId);
      if (!existing) throw new PlatformError('web', 'not_found', 'message not found');
      store.upsert({ ...existing, view });
    },
    threadOf: threadUnder,
    async openThread(message: MessageRef) {
      return threadUnder(message);
    },
    async upload(to: ConversationRef, files: OutgoingFile[], options: { comment?: string }): Promise<UploadResult> {
      const stored = files.map((f) => store.addFile(f.name, f.mimeType, f.bytes, baseUrl()));
      const id = store.nextId('m');
      store.upsert({ id, channelId: to.channelId, ...(to.threadId ? { threadId: to.threadId } : {}), author: 'bot', ...(options.comment ? { view: textView(options.comment) } : {}), files: stored, createdAt: clock.now() });
      return { media: stored.map((f): MediaRef => ({ url: f.url, source: 'web', name: f.name, mimeType: f.mimeType, sizeBytes: f.size })), messages: [ref(id, to.threadId)] };
    },
    async findUpload(to: ConversationRef, name: string, sinceMs: number) {
      const found = store.all().find((m) => m.author === 'bot' && m.threadId === to.threadId && m.createdAt >= sinceMs && m.files.some((f) => f.name === name));
      const file = found?.files.find((f) => f.name === name);
      return found && file ? { message: ref(found.id, to.threadId), media: { url: file.url, source: 'web' as const, name: file.name, mimeType: file.mimeType, sizeBytes: file.size } } : undefined;
    },
    async maxUploadBytes() {
      return WEB_MAX_UPLOAD_BYTES;
    },
    async download(media: MediaRef, options: { maxBytes: number }): Promise<MediaFile> {
      const found = store.file(fileId(media.url) ?? '');
      if (!found) throw new PlatformError('web', 'not_found', 'That file is no longer in the playground.');
      if (found.bytes.length > options.maxBytes) throw new PlatformError('web', 'too_large', `\`${found.file.name}\` is over the ${Math.round(options.maxBytes / 1048576)} MB limit.`);
      return { name: found.file.name, mimeType: found.file.mimeType, bytes: found.bytes };
    },
    async fetchMessageMedia(message: MessageRef) {
      return (store.get(message.messageId)?.files ?? []).map((f): MediaRef => ({ url: f.url, source: 'web', name: f.name, mimeType: f.mimeType, sizeBytes: f.size }));
    },
    async delete(message: MessageRef) {
      store.remove(message.messageId);
    },
    async postEphemeral(to: ConversationRef, _userId: string, raw: MessageView) {
      const view = localizeView(raw, 'web');
      store.upsert({ id: store.nextId('e'), channelId: to.channelId, ...(to.threadId ? { threadId: to.threadId } : {}), author: 'bot', view, files: [], ephemeral: true, createdAt: clock.now() });
    },
    async directMessage(_workspace, _userId, raw: MessageView, _signal, files: OutgoingFile[] = []) {
      const view = localizeView(raw, 'web');
      // The playground has one person and one channel: a private note there is its DM.
      const stored = files.map((f) => store.addFile(f.name, f.mimeType, f.bytes, baseUrl()));
      store.upsert({ id: store.nextId('e'), channelId: WEB_CHANNEL, author: 'bot', view, files: stored, ephemeral: true, createdAt: clock.now() });
    },
    async userCanRead() {
      // One person, one channel: everything in the playground is theirs to read.
      return true;
    },
  };
}
