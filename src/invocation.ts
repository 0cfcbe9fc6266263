/**
 * Everything an adapter can receive, in one platform-neutral shape. Adapters ack first, then
 * build an Invocation and hand it to the dispatcher with a Responder.
 */
import type { Actor, ConversationRef, MediaRef, MessageRef, PlatformKind } from './model.js';
import type { ButtonPayload } from './view.js';

interface InvocationBase {
  /**
   * Stable for one user action across platform redeliveries (Slack event_id / trigger_id,
   * Discord interaction id, reaction = message+emoji). Drives dedupe and the job id.
   */
  id: string;
  platform: PlatformKind;
  workspaceId: string;
  actor: Actor;
  /** Where the action happened; replies and new status messages go here. */
  conversation: ConversationRef;
  receivedAt: number;
}

/** A slash command. Slack/web give `text` (parsed with the spec); Discord gives typed `options`. */
export interface CommandInvocation extends InvocationBase {
  kind: 'command';
  command: string;
  text?: string;
  options?: Record<string, unknown>;
  attachments: MediaRef[];
}

export interface ActionInvocation extends InvocationBase {
  kind: 'action';
  action: ButtonPayload;
  /** The message that holds the button. */
  message: MessageRef;
}

export interface ReactionInvocation extends InvocationBase {
  kind: 'reaction';
  /** Normalised emoji name without colons, e.g. "clapper", "x". */
  emoji: string;
  message: MessageRef;
  /**
   * Media on the reacted message, when the adapter already has it (from its payload or its
   * cache). Undefined means "look it up" (message index, then the platform's history API).
   */
  media?: MediaRef[];
  /** The reacted message's author, when known. */
  authorId?: string;
}

/** "@bot <text>" (Slack app_mention in a thread, Discord mention). */
export interface MentionInvocation extends InvocationBase {
  kind: 'mention';
  text: string;
  attachments: MediaRef[];
  message: MessageRef;
  /** Images elsewhere in the thread, offered as inputs when the text asks for them. */
  threadMedia?: MediaRef[];
}

/** A message shortcut / context-menu command run on a message. */
export interface ShortcutInvocation extends InvocationBase {
  kind: 'shortcut';
  shortcut: 'animate' | 'generate_from_message';
  message: MessageRef;
  messageText: string;
  media: MediaRef[];
}

/** Discord autocomplete: must be answered within 3 s, cannot be deferred. */
export interface AutocompleteInvocation extends InvocationBase {
  kind: 'autocomplete';
  command: string;
  option: string;
  partial: string;
  /** The other options already filled in (a chosen provider narrows the models offered). */
  options?: Record<string, string | number | boolean>;
}

/** A modal (Discord) / dialog submission, e.g. a provider key typed in private. */
export interface SubmitInvocation extends InvocationBase {
  kind: 'submit';
  form: string;
  values: Record<string, string>;
}

export type Invocation =
  | CommandInvocation
  | ActionInvocation
  | ReactionInvocation
  | MentionInvocation
  | ShortcutInvocation
  | AutocompleteInvocation
  | SubmitInvocation;
