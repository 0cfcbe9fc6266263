/**
 * In-memory versions of the ports, for command tests that look at behaviour (what was posted,
 * what was enqueued, what the user was told) without Redis or a platform. Integration tests
 * use the real stores and queue instead.
 */
import { DEFAULT_WORKSPACE_SETTINGS } from '../../adapters/redis/settings-store.js';
import type { ModelInfo } from '../../src/catalog.js';
import type { GenerationJob, NewGenerationJob, ProviderId } from '../../src/generation.js';
import { GenerationJob as GenerationJobSchema } from '../../src/generation.js';
import type { Actor, ConversationRef, MediaRef, MessageRef, WorkspaceRef } from '../../src/model.js';
import type {
  CancelResult,
  ChatPlatform,
  CredentialInfo,
  CredentialStore,
  GenerationQueue,
  IndexedMessage,
  MessageIndex,
  ModelCatalog,
  PlatformDirectory,
  ProviderCredentials,
  ReactionLocks,
  Responder,
  SettingsStore,
  WorkspaceSettings,
} from '../../src/ports.js';
import type { MessageView } from '../../src/view.js';

/** The product's defaults, so in-memory tests behave like the real store. */
export const DEFAULT_SETTINGS: WorkspaceSettings = { ...DEFAULT_WORKSPACE_SETTINGS };

export class MemoryQueue implements GenerationQueue {
  readonly jobs = new Map<string, GenerationJob>();
  readonly cancels: Array<{ jobId: string; by?: Actor }> = [];
  async enqueue(job: NewGenerationJob) {
    if (this.jobs.has(job.id)) return { created: false };
    this.jobs.set(job.id, GenerationJobSchema.parse(job));
    return { created: true };
  }
  async get(jobId: string) {
    return this.jobs.get(jobId);
  }
  async requestCancel(jobId: string, by?: Actor): Promise<CancelResult> {
    const job = this.jobs.get(jobId);
    if (!job) return 'not_found';
    if (job.outcome) return 'already_finished';
    this.cancels.push({ jobId, ...(by ? { by } : {}) });
    return 'requested';
  }
  readonly confirms: string[] = [];
  async confirm(jobId: string): Promise<CancelResult> {
    const job = this.jobs.get(jobId);
    if (!job) return 'not_found';
    if (job.outcome) return 'already_finished';
    this.confirms.push(jobId);
    return 'requested';
  }
  async listActive(workspace: WorkspaceRef) {
    return [...this.jobs.values()].filter((j) => !j.outcome && j.workspace.workspaceId === workspace.workspaceId);
  }
  async activeCount(workspace: WorkspaceRef) {
    return [...this.jobs.values()].filter((j) => !j.outcome && j.workspace.workspaceId === workspace.workspaceId).length;
  }
}

export class MemoryReactionLocks implements ReactionLocks {
  readonly locks = new Map<string, string>();
  private k = (w: WorkspaceRef, key: string) => `${w.platform}:${w.workspaceId}:${key}`;
  async claim(w: WorkspaceRef, key: string, jobId: string) {
    const holder = this.locks.get(this.k(w, key));
    if (holder === undefined || holder === jobId) {
      this.locks.set(this.k(w, key), jobId);
      return { ok: true as const };
    }
    return { ok: false as const, holder };
  }
  async replace(w: WorkspaceRef, key: string, holder: string, jobId: string) {
    if (this.locks.get(this.k(w, key)) !== holder) return false;
    this.locks.set(this.k(w, key), jobId);
    return true;
  }
  async release(w: WorkspaceRef, key: string, jobId: string) {
    if (this.locks.get(this.k(w, key)) === jobId) this.locks.delete(this.k(w, key));
  }
}

export class RecordingChat implements ChatPlatform {
  readonly platform = 'slack' as const;
  readonly posts: Array<{ to: ConversationRef; view: MessageView; ref: MessageRef }> = [];
  readonly threads: MessageRef[] = [];
  readonly deleted: MessageRef[] = [];
  readonly dms: Array<{ userId: string; view: MessageView }> = [];
  readonly fetched: MessageRef[] = [];
  messageMedia = new Map<string, MediaRef[]>();
  private next = 1;
  async post(to: ConversationRef, view: MessageView) {
    const ref: MessageRef = { ...to, messageId: `m${this.next++}` };
    this.posts.push({ to, view, ref });
    return ref;
  }
  async update() {}
  async openThread(message: MessageRef) {
    this.threads.push(message);
    return { platform: message.platform, workspaceId: message.workspaceId, channelId: message.channelId, threadId: message.threadId ?? message.messageId };
  }
  async upload() {
    return { media: [], messages: [] };
  }
  async maxUploadBytes() {
    return 1e9;
  }
  async download(): Promise<never> {
    throw new Error('not used');
  }
  async fetchMessageMedia(message: MessageRef) {
    this.fetched.push(message);
    return this.messageMedia.get(message.messageId) ?? [];
  }
  async delete(message: MessageRef) {
    this.deleted.push(message);
  }
  async postEphemeral() {}
  async directMessage(_w: unknown, userId: string, view: MessageView) {
    this.dms.push({ userId, view });
  }
  async userCanRead(_conversation: ConversationRef, _userId: string) {
    return true;
  }
}

export class MemoryIndex implements MessageIndex {
  readonly entries = new Map<string, IndexedMessage>();
  private key(m: Pick<MessageRef, 'platform' | 'workspaceId' | 'channelId' | 'messageId'>) {
    return `${m.platform}:${m.workspaceId}:${m.channelId}:${m.messageId}`;
  }
  async remember(message: MessageRef, entry: IndexedMessage) {
    this.entries.set(this.key(message), entry);
  }
  async lookup(message: Pick<MessageRef, 'platform' | 'workspaceId' | 'channelId' | 'messageId'>) {
    return this.entries.get(this.key(message));
  }
  async deleteWorkspace() {}
}

export class MemorySettings implements SettingsStore {
  current: WorkspaceSettings = { ...DEFAULT_SETTINGS };
  async get() {
    return this.current;
  }
  async update(_w: WorkspaceRef, patch: Partial<WorkspaceSettings>) {
    this.current = { ...this.current, ...patch };
    return this.current;
  }
  async delete() {}
}

export class MemoryCredentials implements CredentialStore {
  readonly keys = new Map<string, ProviderCredentials>();
  readonly infos = new Map<string, CredentialInfo>();
  async get(w: WorkspaceRef, p: ProviderId) {
    return this.keys.get(`${w.workspaceId}:${p}`);
  }
  async set(w: WorkspaceRef, p: ProviderId, c: ProviderCredentials, info: CredentialInfo = {}) {
    this.keys.set(`${w.workspaceId}:${p}`, c);
    this.infos.set(`${w.workspaceId}:${p}`, info);
  }
  async info(w: WorkspaceRef, p: ProviderId) {
    return this.infos.get(`${w.workspaceId}:${p}`);
  }
  async markRejected(w: WorkspaceRef, p: ProviderId, at: number) {
    const info = this.infos.get(`${w.workspaceId}:${p}`);
    if (!this.keys.has(`${w.workspaceId}:${p}`) || info?.rejectedAt) return false;
    this.infos.set(`${w.workspaceId}:${p}`, { ...info, rejectedAt: at });
    return true;
  }
  async delete(w: WorkspaceRef, p?: ProviderId) {
    for (const k of [...this.keys.keys()]) if (k.startsWith(`${w.workspaceId}:${p ?? ''}`)) this.keys.delete(k);
  }
}

export function staticCatalog(models: ModelInfo[]): ModelCatalog {
  return {
    async get(_p, id) {
      return models.find((m) => m.id === id);
    },
    async list() {
      return models;
    },
    cached() {
      return models;
    },
  };
}

export function directoryOf(chat: ChatPlatform): PlatformDirectory {
  return { forWorkspace: async () => chat };
}

/** A Responder that remembers what the user was told. */
export class RecordingResponder implements Responder {
  readonly replies: Array<{ view: MessageView; ephemeral: boolean }> = [];
  readonly settled: MessageView[] = [];
  async reply(view: MessageView, options?: { ephemeral?: boolean }) {
    this.replies.push({ view, ephemeral: options?.ephemeral ?? false });
  }
  async settle(view: MessageView) {
    this.settled.push(view);
  }
  /** Everything the user read (neutral markdown, as the renderers receive it), as one string. */
  get text(): string {
    return this.replies.flatMap((r) => r.view.blocks.map((b) => (b.type === 'text' || b.type === 'context' ? b.text : ''))).filter(Boolean).join('\n');
  }
}
