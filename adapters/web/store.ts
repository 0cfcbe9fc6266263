/**
 * The playground's channel: messages and files in memory, with a change feed for the page.
 * One process, one local user: nothing here needs to survive a restart.
 */
import { EventEmitter } from 'node:events';
import type { MessageView } from '../../src/view.js';

export interface WebFile {
  id: string;
  name: string;
  mimeType: string;
  url: string;
  size: number;
}

export interface WebMessage {
  id: string;
  channelId: string;
  threadId?: string;
  author: 'bot' | 'user';
  /** What a user typed (bot messages have a view instead). */
  text?: string;
  view?: MessageView;
  files: WebFile[];
  ephemeral?: boolean;
  createdAt: number;
}

export type WebEvent = { type: 'upsert'; message: WebMessage } | { type: 'delete'; id: string };

export class WebChannelStore {
  private readonly messages = new Map<string, WebMessage>();
  private readonly files = new Map<string, { file: WebFile; bytes: Uint8Array }>();
  private readonly events = new EventEmitter();
  private seq = 0;
  /**
   * Ids are monotonic within a process (zero-padded counter) and carry the start time, so a job
   * that survived a restart in Redis can never edit a new message that reused its old id.
   */
  private readonly boot: string;

  constructor(
    private readonly maxMessages = 500,
    now: () => number = Date.now,
  ) {
    this.events.setMaxListeners(100);
    this.boot = now().toString(36);
  }

  nextId(kind: string): string {
    this.seq += 1;
    return `${kind}${this.boot}-${this.seq.toString().padStart(6, '0')}`;
  }

  all(): WebMessage[] {
    return [...this.messages.values()];
  }

  get(id: string): WebMessage | undefined {
    return this.messages.get(id);
  }

  upsert(message: WebMessage): WebMessage {
    this.messages.set(message.id, message);
    if (this.messages.size > this.maxMessages) {
      const oldest = this.messages.keys().next().value;
      if (oldest) this.remove(oldest);
    }
    this.events.emit('event', { type: 'upsert', message } satisfies WebEvent);
    return message;
  }

  remove(id: string): void {
    if (this.messages.delete(id)) this.events.emit('event', { type: 'delete', id } satisfies WebEvent);
  }

  addFile(name: string, mimeType: string, bytes: Uint8Array, baseUrl: string): WebFile {
    const id = this.nextId('f');
    const safe = name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'file';
    const file: WebFile = { id, name: safe, mimeType, url: `${baseUrl}/files/${id}/${encodeURIComponent(safe)}`, size: bytes.length };
    this.files.set(id, { file, bytes });
    return file;
  }

  file(id: string): { file: WebFile; bytes: Uint8Array } | undefined {
    return this.files.get(id);
  }

  subscribe(listener: (event: WebEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }
}
