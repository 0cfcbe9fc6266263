/**
 * Parses links to messages that users paste into `/animate message_link:…`:
 * Discord `https://discord.com/channels/<guild>/<channel>/<message>` and
 * Slack `https://<team>.slack.com/archives/<channel>/p<ts without dot>[?thread_ts=…]`.
 */
import type { ConversationRef, MessageRef, PlatformKind } from '../src/model.js';

/**
 * The linked message is in the channel (or thread) the command was typed in: the user is there,
 * so no permission lookup is needed. On Discord a thread link names the thread as its channel.
 */
export function linkIsHere(message: MessageRef, here: ConversationRef): boolean {
  return message.workspaceId === here.workspaceId && (message.channelId === here.channelId || message.channelId === here.threadId);
}

export function parseMessageLink(link: string, platform: PlatformKind, workspaceId: string): MessageRef | undefined {
  let url: URL;
  try {
    url = new URL(link.trim().replace(/^<|>$/g, ''));
  } catch {
    return undefined;
  }
  if (platform === 'discord') {
    const m = /^\/channels\/(\d+|@me)\/(\d+)\/(\d+)\/?$/.exec(url.pathname);
    if (!m || !/(^|\.)discord(app)?\.com$/.test(url.hostname)) return undefined;
    if (m[1] !== workspaceId) return undefined;
    return { platform, workspaceId, channelId: m[2]!, messageId: m[3]! };
  }
  if (platform === 'slack') {
    const m = /^\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})\/?$/.exec(url.pathname);
    if (!m) return undefined;
    const threadTs = url.searchParams.get('thread_ts') ?? undefined;
    const ts = `${m[2]}.${m[3]}`;
    return { platform, workspaceId, channelId: m[1]!, messageId: ts, ...(threadTs && threadTs !== ts ? { threadId: threadTs } : {}) };
  }
  return undefined;
}

/** A link people can click to the message (its thread on Slack); undefined where there is none (the playground). */
export function messageUrl(message: MessageRef): string | undefined {
  if (message.platform === 'discord') return `https://discord.com/channels/${message.workspaceId}/${message.threadId ?? message.channelId}/${message.messageId}`;
  if (message.platform === 'slack') {
    const ts = message.messageId.replace('.', '');
    const thread = message.threadId && message.threadId !== message.messageId ? `?thread_ts=${message.threadId}&cid=${message.channelId}` : '';
    return `https://slack.com/archives/${message.channelId}/p${ts}${thread}`;
  }
  return undefined;
}
