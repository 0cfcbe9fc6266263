/**
 * The dispatcher: dedupes an invocation, parses its arguments with the command's spec, runs the
 * matching handler and turns every failure into something the user can read. It never throws
 * back into an adapter (adapters have already acked; an exception there would be lost or,
 * worse, make the platform redeliver).
 */
import type { CommandArgs, CommandSpec } from './command.js';
import type { Dispatcher } from './dispatcher-port.js';
import { isAbortError, isInfrastructureError, newErrorRef, ProviderError, UserError } from './errors.js';
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
import type { DedupeStore, Responder } from './ports.js';
import { textView } from './view.js';

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
          const known = Object.keys(routes.commands).map((c) => `\`/${c}\``).join(', ');
          throw new UserError('not_found', `I don't know \`/${invocation.command}\`. Try ${known}.`);
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
      try {
        // Autocomplete is read-only and repeats by design; everything else runs once per id.
        if (invocation.kind !== 'autocomplete') {
          const first = await dedupe.claim(`inv:${invocation.platform}:${invocation.id}`, ttl);
          if (!first) {
            log.debug('duplicate invocation ignored');
            return;
          }
        }
        await route(invocation, responder);
      } catch (err) {
        if (err instanceof UserError) {
          log.info({ code: err.code }, 'user error');
          await safeReply(responder, err.userMessage, log);
        } else if (err instanceof ProviderError && !err.retryable) {
          log.warn({ provider: err.provider, code: err.code, status: err.status }, 'provider refused');
          await safeReply(responder, err.userMessage, log);
        } else if (isInfrastructureError(err)) {
          // Redis (or our own network) is down: nothing was started; the user can simply try again.
          log.warn({ err }, 'infrastructure unavailable');
          await safeReply(responder, 'The bot is briefly unavailable (its database is not answering). Nothing was started; please try again in a minute.', log);
        } else if (isAbortError(err)) {
          log.warn('invocation aborted');
          await safeReply(responder, 'That took too long and was stopped. Please try again.', log);
        } else {
          const ref = newErrorRef();
          log.error({ err, ref }, 'invocation failed');
          await safeReply(responder, `Something went wrong on our side (ref \`${ref}\`). Please try again; if it keeps happening, give an admin this ref.`, log);
        }
      }
    },
  };
}
