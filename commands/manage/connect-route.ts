/**
 * `connect <provider>`: admins connect a workspace's own key for any provider, through a private
 * form where the platform has one (a key typed in the command text is accepted, with advice).
 * The key is checked with the provider first (an authenticated read), stored encrypted with who
 * connected it, and shown only as its last four characters. `connect <provider> remove` deletes it.
 */
import type { CommandRoute } from '../../src/dispatcher.js';
import { UserError } from '../../src/errors.js';
import { ProviderId } from '../../src/generation.js';
import type { PlatformKind } from '../../src/model.js';
import type { Responder } from '../../src/ports.js';
import { textView } from '../../src/view.js';
import { commandHint } from '../hints.js';
import type { CommandServices } from '../services.js';
import { connectSpec } from '../specs.js';
import { str, workspaceOf } from './common.js';

export const CONNECT_FORM = 'connect';

interface Who {
  platform: PlatformKind;
  workspaceId: string;
  actor: { userId: string; isAdmin: boolean };
}

function providerOf(s: CommandServices, name: string): ProviderId {
  const parsed = ProviderId.safeParse(name.toLowerCase());
  if (!parsed.success || !s.providers[parsed.data]) {
    throw new UserError('bad_value', `Unknown provider \`${name}\`. Available: ${Object.keys(s.providers).map((p) => `\`${p}\``).join(', ')}.`);
  }
  return parsed.data;
}

/** `typed`: the key came in the command's text rather than a private form. */
export async function connectKey(s: CommandServices, who: Who, providerName: string, key: string, responder: Responder, typed: boolean): Promise<void> {
  if (!who.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can connect a provider key.');
  const provider = providerOf(s, providerName);
  if (!s.canStoreCredentials) {
    throw new UserError('no_credentials', 'This bot cannot store keys yet: its operator must set `BOT_ENCRYPTION_KEY` (keys are stored encrypted).');
  }
  const client = s.providers[provider]!;
  const credentials = { apiKey: key.trim() };
  const checked = client.checkCredentials ? await client.checkCredentials({ credentials, signal: AbortSignal.timeout(15_000) }) : {};
  await s.credentials.set(workspaceOf(who), provider, credentials, { connectedBy: who.actor.userId, connectedAt: s.clock.now() });
  const account = checked.account ? ` (account: ${checked.account})` : '';
  const saved = `Saved: connected **${client.displayName}**${account} for this workspace (key ending in \`${key.trim().slice(-4)}\`, stored encrypted).`;
  // Slash-command text passes through the platform's logs and clients; a form does not.
  const advice = typed && responder.openForm
    ? `\nNext time, run \`${commandHint(who.platform, 'connect', provider)}\` without the key: it opens a private form. Text typed after a slash command may be logged by ${who.platform === 'discord' ? 'Discord' : 'Slack'} apps and clients.`
    : '';
  await responder.reply(textView(saved + advice), { ephemeral: true });
}

export function connectRoute(s: CommandServices): CommandRoute {
  return {
    spec: connectSpec,
    async run(inv, args, responder) {
      // `krea <key>`, `krea remove`, or just `krea` (a private form where the platform has one).
      const [first, second] = (str(args, 'provider') ?? '').split(/\s+/).filter(Boolean);
      const name = first?.toLowerCase() ?? 'krea';
      if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can connect a provider key.');
      const provider = providerOf(s, name);
      if (second === 'remove') {
        await s.credentials.delete(workspaceOf(inv), provider);
        return responder.reply(textView(`Removed the ${s.providers[provider]!.displayName} key of this workspace.`), { ephemeral: true });
      }
      if (second) return connectKey(s, inv, provider, second, responder, true);
      if (responder.openForm) {
        return responder.openForm({
          id: `${CONNECT_FORM}:${provider}`,
          title: `Connect ${s.providers[provider]!.displayName}`,
          fields: [{ id: 'key', label: 'API key', placeholder: 'Paste the API key', secret: true, maxLength: 400 }],
        });
      }
      await responder.reply(textView(`Run \`${commandHint(inv.platform, 'connect', `${provider} <api key>`)}\`: the key is only seen by the bot and stored encrypted.`), { ephemeral: true });
    },
  };
}
