/**
 * Management commands: models, credits, jobs, settings, connect, help. Changing settings and
 * connecting keys is for workspace admins; everyone may look.
 */
import type { CommandArgs, CommandSpec } from '../src/command.js';
import type { CommandRoute } from '../src/dispatcher.js';
import { UserError } from '../src/errors.js';
import { ProviderId } from '../src/generation.js';
import { renderCommandHelp, renderHelp } from '../src/help.js';
import type { CommandInvocation, SubmitInvocation } from '../src/invocation.js';
import type { Responder, WorkspaceSettings } from '../src/ports.js';
import { textView, type MessageView } from '../src/view.js';
import { commandHint } from './hints.js';
import type { CommandServices } from './services.js';
import { allSpecs, connectSpec, creditsSpec, helpSpec, jobsSpec, modelsSpec, settingsSpec } from './specs.js';
import { resolveModel } from './resolve-request.js';

const str = (args: CommandArgs, name: string): string | undefined => {
  const v = args[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

function workspaceOf(inv: { platform: CommandInvocation['platform']; workspaceId: string }) {
  return { platform: inv.platform, workspaceId: inv.workspaceId };
}

function listView(title: string, lines: string[]): MessageView {
  return { text: title, blocks: [{ type: 'text', text: `**${title}**` }, { type: 'text', text: lines.join('\n') }] };
}

function modelsRoute(s: CommandServices): CommandRoute {
  return {
    spec: modelsSpec,
    async run(inv, args, responder) {
      const settings = await s.settings.get(workspaceOf(inv));
      const kind = str(args, 'kind');
      const search = str(args, 'search')?.toLowerCase();
      const models = (await s.catalog.list(settings.defaultProvider))
        .filter((m) => (!kind || m.kind === kind) && (!search || m.id.toLowerCase().includes(search)))
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
      if (models.length === 0) throw new UserError('not_found', `No model matches. Try \`${commandHint(inv.platform, 'models')}\` with no filter.`);
      const defaults = new Set([settings.defaultImageModel, settings.defaultVideoModel, settings.defaultUpscaleModel]);
      const lines = models.slice(0, 40).map((m) => {
        const eta = m.averageSeconds ? ` ~${Math.round(m.averageSeconds)}s` : '';
        return `\`${m.id}\`${eta}${defaults.has(m.id) ? ' _(default)_' : ''}${m.deprecated ? ' _(deprecated)_' : ''}`;
      });
      if (models.length > 40) lines.push(`…and ${models.length - 40} more: narrow it with \`search\`.`);
      await responder.reply(listView(`${models.length} models`, lines), { ephemeral: true });
    },
  };
}

function creditsRoute(s: CommandServices): CommandRoute {
  return {
    spec: creditsSpec,
    async run(inv, _args, responder) {
      const workspace = workspaceOf(inv);
      const settings = await s.settings.get(workspace);
      const provider = s.providers[settings.defaultProvider];
      const credentials = (await s.credentials.get(workspace, settings.defaultProvider)) ?? undefined;
      const balance = provider?.balance && credentials ? await provider.balance({ credentials }) : undefined;
      const text = balance
        ? balance.text
        : settings.defaultProvider === 'krea'
          ? 'Krea has no public endpoint for the API balance: see it at [krea.ai/app/api](https://krea.ai/app/api). Failed and cancelled jobs are not billed.'
          : 'This provider does not report a balance.';
      await responder.reply(textView(text), { ephemeral: true });
    },
  };
}

function jobsRoute(s: CommandServices): CommandRoute {
  return {
    spec: jobsSpec,
    async run(inv, _args, responder) {
      const workspace = workspaceOf(inv);
      const [active, settings] = await Promise.all([s.queue.activeCount(workspace), s.settings.get(workspace)]);
      const text =
        active === 0
          ? 'No generations are running in this workspace.'
          : `${active} generation${active === 1 ? ' is' : 's are'} running or waiting here (at most ${settings.maxConcurrentJobs} run at once).`;
      await responder.reply(textView(text), { ephemeral: true });
    },
  };
}

/** Settings a user may change, with how to read the value. */
const SETTABLE: Record<string, { key: keyof WorkspaceSettings; parse(v: string): string | number }> = {
  image_model: { key: 'defaultImageModel', parse: (v) => v },
  video_model: { key: 'defaultVideoModel', parse: (v) => v },
  upscale_model: { key: 'defaultUpscaleModel', parse: (v) => v },
  animate_emoji: { key: 'animateEmoji', parse: (v) => v.replace(/^:|:$/g, '') },
  cancel_emoji: { key: 'cancelEmoji', parse: (v) => v.replace(/^:|:$/g, '') },
  max_concurrent_jobs: {
    key: 'maxConcurrentJobs',
    parse: (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 50) throw new UserError('bad_value', '`max_concurrent_jobs` must be a whole number from 1 to 50.');
      return n;
    },
  },
};

function settingsView(settings: WorkspaceSettings): MessageView {
  const fields = Object.entries(SETTABLE).map(([name, { key }]) => ({ label: name, value: `\`${String(settings[key])}\`` }));
  return { text: 'Workspace settings', blocks: [{ type: 'text', text: '**Workspace settings**' }, { type: 'fields', fields }] };
}

function settingsRoute(s: CommandServices): CommandRoute {
  return {
    spec: settingsSpec,
    async run(inv, args, responder) {
      const workspace = workspaceOf(inv);
      const [name, ...words] = (str(args, 'setting') ?? '').split(/\s+/).filter(Boolean);
      const value = words.join(' ') || undefined;
      if (!name) return responder.reply(settingsView(await s.settings.get(workspace)), { ephemeral: true });
      const entry = SETTABLE[name];
      if (!entry) throw new UserError('bad_value', `Unknown setting \`${name}\`. Settings: ${Object.keys(SETTABLE).map((k) => `\`${k}\``).join(', ')}.`);
      if (!value) throw new UserError('missing_value', `Give a value for \`${name}\`, for example \`${commandHint(inv.platform, 'settings', `${name} …`)}\`.`);
      if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can change settings.');
      const parsed = entry.parse(value);
      if (entry.key.endsWith('Model')) {
        const current = await s.settings.get(workspace);
        const model = await resolveModel(s, current.defaultProvider, String(parsed));
        const wanted = entry.key === 'defaultVideoModel' ? 'video' : entry.key === 'defaultUpscaleModel' ? 'enhance' : 'image';
        if (model.kind !== wanted) throw new UserError('bad_value', `\`${model.id}\` makes ${model.kind === 'enhance' ? 'upscales' : `${model.kind}s`}, not ${wanted === 'enhance' ? 'upscales' : `${wanted}s`}.`);
      }
      const updated = await s.settings.update(workspace, { [entry.key]: parsed } as Partial<WorkspaceSettings>);
      await responder.reply(settingsView(updated), { ephemeral: true });
    },
  };
}

export const CONNECT_FORM = 'connect';

/**
 * Validates a key with its provider (an authenticated read), stores it encrypted and shows only its
 * last four characters. `typed` is true when it came in the command's text rather than a form.
 */
async function connectKey(s: CommandServices, inv: { platform: CommandInvocation['platform']; workspaceId: string; actor: { isAdmin: boolean } }, providerName: string, key: string, responder: Responder, typed: boolean): Promise<void> {
  if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can connect a provider key.');
  const provider = ProviderId.safeParse(providerName);
  if (!provider.success || !s.providers[provider.data]) {
    throw new UserError('bad_value', `Unknown provider \`${providerName}\`. Available: ${Object.keys(s.providers).map((p) => `\`${p}\``).join(', ')}.`);
  }
  if (!s.canStoreCredentials) {
    throw new UserError('no_credentials', 'This bot cannot store keys yet: its operator must set `BOT_ENCRYPTION_KEY` (keys are stored encrypted).');
  }
  const client = s.providers[provider.data]!;
  const credentials = { apiKey: key.trim() };
  if (client.checkCredentials) await client.checkCredentials({ credentials });
  await s.credentials.set(workspaceOf(inv), provider.data, credentials);
  const saved = `Saved: connected **${provider.data}** for this workspace (key ending in \`${key.trim().slice(-4)}\`, stored encrypted).`;
  // Slash-command text passes through the platform's logs and clients; a form does not.
  const advice = typed && responder.openForm
    ? `\nNext time, run \`${commandHint(inv.platform, 'connect', provider.data)}\` without the key: it opens a private form. Text typed after a slash command may be logged by ${inv.platform === 'discord' ? 'Discord' : 'Slack'} apps and clients.`
    : '';
  await responder.reply(textView(saved + advice), { ephemeral: true });
}

function connectRoute(s: CommandServices): CommandRoute {
  return {
    spec: connectSpec,
    async run(inv, args, responder) {
      // `krea <key>`, `krea remove`, or just `krea` (Discord then asks in a private form).
      const [first, second] = (str(args, 'provider') ?? '').split(/\s+/).filter(Boolean);
      const provider = first?.toLowerCase() ?? 'krea';
      const key = second;
      if (key === 'remove') {
        if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can remove a provider key.');
        const parsed = ProviderId.safeParse(provider);
        if (!parsed.success) throw new UserError('bad_value', `Unknown provider \`${provider}\`.`);
        await s.credentials.delete(workspaceOf(inv), parsed.data);
        return responder.reply(textView(`Removed the ${provider} key of this workspace.`), { ephemeral: true });
      }
      if (key) return connectKey(s, inv, provider, key, responder, true);
      if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can connect a provider key.');
      if (responder.openForm) {
        return responder.openForm({
          id: `${CONNECT_FORM}:${provider}`,
          title: `Connect ${provider}`,
          fields: [{ id: 'key', label: 'API key', placeholder: 'Paste the API key', secret: true, maxLength: 400 }],
        });
      }
      await responder.reply(textView(`Run \`${commandHint(inv.platform, 'connect', `${provider} <api key>`)}\`: the key is only seen by the bot and stored encrypted.`), { ephemeral: true });
    },
  };
}

export function createSubmitHandler(s: CommandServices) {
  return async function handleSubmit(inv: SubmitInvocation, responder: Responder): Promise<void> {
    const [form, provider] = inv.form.split(':');
    if (form !== CONNECT_FORM || !provider) return;
    const key = inv.values['key'] ?? '';
    if (!key.trim()) throw new UserError('missing_value', 'The key was empty.');
    await connectKey(s, inv, provider, key, responder, false);
  };
}

function helpRoute(): CommandRoute {
  return {
    spec: helpSpec,
    async run(_inv, args, responder) {
      const name = str(args, 'command')?.replace(/^\//, '');
      const spec = name ? (allSpecs as CommandSpec[]).find((c) => c.name === name) : undefined;
      if (name && !spec) throw new UserError('not_found', `There is no \`${name}\` command.`);
      await responder.reply(spec ? renderCommandHelp(spec) : renderHelp(allSpecs as CommandSpec[]), { ephemeral: true });
    },
  };
}

export function createManagementRoutes(s: CommandServices): Record<string, CommandRoute> {
  const routes = [modelsRoute(s), creditsRoute(s), jobsRoute(s), settingsRoute(s), connectRoute(s), helpRoute()];
  return Object.fromEntries(routes.map((r) => [r.spec.name, r]));
}
