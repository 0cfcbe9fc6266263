/**
 * The dispatcher: dedupes an invocation, parses its arguments with the command's spec, runs the
 * matching handler and turns every failure into something the user can read. It never throws
 * back into an adapter (adapters have already acked; an exception there would be lost or,
 * worse, make the platform redeliver). Everything it passes to the responder is in the voice of
 * the invocation's platform: hint tokens (`<cmd:models>`, `<flag:model>`, src/hints.ts) are
 * rendered here, so text built without knowing the platform still names its commands right.
 */
import type { CommandArgs, CommandSpec } from './command.js';
import type { Dispatcher } from './dispatcher-port.js';
import { isAbortError, isInfrastructureError, newErrorRef, PlatformError, ProviderError, UserError } from './errors.js';
import { accessHint, hint, localizeView } from './hints.js';
import type {
  ActionInvocation,
  AutocompleteInvocation,
  CommandInvocation,
  Invocation,
  MentionInvocation,
  ReactionInvocation,
  ShortcutInvocation,
  SubmitInvocation,
} from './invocation.js';
import type { Logger } from './logger.js';
import type { PlatformKind } from './model.js';
import type { DedupeStore, FormSpec, Responder } from './ports.js';
import { textView, type MessageView } from './view.js';

export interface CommandRoute {
  spec: CommandSpec;
  run(invocation: CommandInvocation, args: CommandArgs, responder: Responder): Promise<void>;
}

/** What each invocation kind runs. Commands are looked up by name; the rest have one handler each. */
export interface Routes {
  commands: Record<string, CommandRoute>;
  action(invocation: ActionInvocation, responder: Responder): Promise<void>;
  reaction(invocation: ReactionInvocation, responder: Responder): Promise<void>;
  mention(invocation: MentionInvocation, responder: Responder): Promise<void>;
  shortcut(invocation: ShortcutInvocation, responder: Responder): Promise<void>;
  autocomplete(invocation: AutocompleteInvocation, responder: Responder): Promise<void>;
  submit(invocation: SubmitInvocation, responder: Responder): Promise<void>;
}

export interface ArgumentParsers {
  fromText(spec: CommandSpec, text: string): CommandArgs;
  fromOptions(spec: CommandSpec, options: Record<string, unknown>): CommandArgs;
}

export interface DispatcherOptions {
  routes: Routes;
  parsers: ArgumentParsers;
  dedupe: DedupeStore;
  logger: Logger;
  /** How long an invocation id is remembered (platform redeliveries come within minutes). */
  dedupeTtlSeconds?: number;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { routes, parsers, dedupe, logger } = options;
  const ttl = options.dedupeTtlSeconds ?? 3600;

  async function route(invocation: Invocation, responder: Responder): Promise<void> {
    switch (invocation.kind) {
      case 'command': {
        const command = routes.commands[invocation.command];
        if (!command) {
          const known = Object.values(routes.commands).filter((c) => !c.spec.hidden).map((c) => `\`${hint.command(c.spec.name)}\``).join(', ');
          throw new UserError('not_found', `I don't know \`${invocation.command}\`. Try ${known}.`);
        }
        const args =
          invocation.options !== undefined
            ? parsers.fromOptions(command.spec, invocation.options)
            : parsers.fromText(command.spec, invocation.text ?? '');
        return command.run(invocation, args, responder);
      }
      case 'action':
        return routes.action(invocation, responder);
      case 'reaction':
        return routes.reaction(invocation, responder);
      case 'mention':
        return routes.mention(invocation, responder);
      case 'shortcut':
        return routes.shortcut(invocation, responder);
      case 'autocomplete':
        return routes.autocomplete(invocation, responder);
      case 'submit':
        return routes.submit(invocation, responder);
    }
  }

  const specs = Object.values(routes.commands).map((c) => c.spec);

  /** The responder, speaking the platform's syntax: every view's hint tokens rendered on the way out. */
  function voiced(responder: Responder, platform: PlatformKind): Responder {
    const local = (view: MessageView) => localizeView(view, platform, specs);
    // Each capability forwarded as a call on the original, so a class-based responder keeps its `this`.
    return {
      reply: (view, opts) => responder.reply(local(view), opts),
      ...(responder.settle ? { settle: (view: MessageView) => responder.settle!(local(view)) } : {}),
      ...(responder.choices ? { choices: (choices: Array<{ name: string; value: string }>) => responder.choices!(choices) } : {}),
      ...(responder.openForm ? { openForm: (form: FormSpec) => responder.openForm!(form) } : {}),
    };
  }

  /** What a refusal of the platform means for the user; undefined for ones that are our bug. */
  function platformMessage(err: PlatformError, invocation: Invocation): string | undefined {
    const platform = invocation.platform;
    const name = platform === 'discord' ? 'Discord' : platform === 'slack' ? 'Slack' : 'The chat';
    if (err.access) {
      const here = !err.access.channelId || err.access.channelId === invocation.conversation.channelId || err.access.channelId === invocation.conversation.threadId;
      return accessHint(platform, err.access, here ? 'here' : 'there');
    }
    switch (err.code) {
      case 'forbidden':
        return `${name} did not let me do that here. An admin may need to check my permissions in this channel.`;
      case 'not_found':
        return 'I could not find that message or channel any more (it may have been deleted).';
      case 'rate_limited':
        return `${name} asked me to slow down. Please try again in a few seconds.`;
      case 'invalid_auth':
        return `${name} refused my credentials (was the app uninstalled or its token revoked?). An admin should reinstall it.`;
      case 'too_large':
        return err.message;
      default:
        return undefined;
    }
  }

  async function safeReply(responder: Responder, text: string, log: Logger): Promise<void> {
    try {
      await responder.reply(textView(text), { ephemeral: true });
    } catch (err) {
      log.warn({ err }, 'could not send an error reply');
    }
  }

  return {
    async dispatch(invocation, responder) {
      const log = logger.child({ invocation: invocation.id, kind: invocation.kind, platform: invocation.platform, workspace: invocation.workspaceId });
      const voice = voiced(responder, invocation.platform);
      try {
        // Autocomplete is read-only and repeats by design; everything else runs once per id.
        if (invocation.kind !== 'autocomplete') {
          const first = await dedupe.claim(`inv:${invocation.platform}:${invocation.id}`, ttl);
          if (!first) {
            log.debug('duplicate invocation ignored');
            return;
          }
        }
        await route(invocation, voice);
      } catch (err) {
        if (err instanceof UserError) {
          log.info({ code: err.code }, 'user error');
          await safeReply(voice, err.userMessage, log);
        } else if (err instanceof ProviderError && !err.retryable) {
          log.warn({ provider: err.provider, code: err.code, status: err.status }, 'provider refused');
          await safeReply(voice, err.userMessage, log);
        } else if (err instanceof PlatformError && platformMessage(err, invocation)) {
          log.info({ code: err.code, access: err.access?.reason, err: err.message }, 'platform refused');
          await safeReply(voice, platformMessage(err, invocation)!, log);
        } else if (isInfrastructureError(err)) {
          // Redis (or our own network) is down: nothing was started; the user can simply try again.
          log.warn({ err }, 'infrastructure unavailable');
          await safeReply(voice, 'The bot is briefly unavailable (its database is not answering). Nothing was started; please try again in a minute.', log);
        } else if (isAbortError(err)) {
          log.warn('invocation aborted');
          await safeReply(voice, 'That took too long and was stopped. Please try again.', log);
        } else {
          const ref = newErrorRef();
          log.error({ err, ref }, 'invocation failed');
          await safeReply(voice, `Something went wrong on our side (ref \`${ref}\`). Please try again; if it keeps happening, give an admin this ref.`, log);
        }
      }
    },
  };
}
