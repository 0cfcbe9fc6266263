/**
 * `settings [name value]`: everyone may look; admins change. Each setting says what it does,
 * how to write its value, and is checked before it is saved (models against every provider's
 * catalog, money limits as "<amount> <unit>", channels as mentions or ids).
 */
import type { CommandRoute } from '../../src/dispatcher.js';
import { UserError } from '../../src/errors.js';
import { CostUnit } from '../../src/generation.js';
import type { PlatformKind } from '../../src/model.js';
import type { WorkspaceSettings } from '../../src/ports.js';
import { formatCost } from '../../src/progress.js';
import type { MessageView } from '../../src/view.js';
import { commandHint } from '../hints.js';
import { findModel } from '../model-lookup.js';
import type { CommandServices } from '../services.js';
import { settingsSpec } from '../specs.js';
import { str, workspaceOf } from './common.js';

type Parsed = Partial<WorkspaceSettings>;

interface Setting {
  help: string;
  show(s: WorkspaceSettings, platform: PlatformKind): string;
  parse(value: string, services: CommandServices, current: WorkspaceSettings): Promise<Parsed> | Parsed;
}

const UNIT_WORDS: Record<string, CostUnit> = { credit: 'credits', credits: 'credits', cu: 'compute_units', compute_units: 'compute_units', 'compute-units': 'compute_units', usd: 'usd', $: 'usd', dollars: 'usd' };

/** "500 credits", "2000 cu", "$5", "off" (one unit at a time; other units keep their value). */
function parseAmount(name: string, value: string, current: Partial<Record<CostUnit, number>>): Partial<Record<CostUnit, number>> {
  const text = value.trim().toLowerCase();
  const off = /^(off|none|no)(\s+(\S+))?$/.exec(text);
  if (off) {
    if (!off[3]) return {};
    const unit = UNIT_WORDS[off[3]];
    if (!unit) throw new UserError('bad_value', `\`${name}\`: unknown unit \`${off[3]}\`. Use credits, cu (Krea compute units) or usd.`);
    const { [unit]: _gone, ...rest } = current;
    return rest;
  }
  const m = /^\$?\s*(\d+(?:\.\d+)?)\s*([a-z_$-]+)?$/.exec(text);
  const unit = m ? (m[2] ? UNIT_WORDS[m[2]] : text.startsWith('$') ? 'usd' : undefined) : undefined;
  if (!m || !unit) throw new UserError('bad_value', `\`${name}\` takes an amount and a unit, for example \`500 credits\`, \`2000 cu\` or \`off\`.`);
  return { ...current, [unit]: Number(m[1]) };
}

const amounts = (map: Partial<Record<CostUnit, number>>) => Object.entries(map).map(([u, a]) => formatCost({ amount: a, unit: u as CostUnit })).join(', ') || 'off';
const onOff = (name: string, value: string): boolean => {
  if (/^(on|yes|true|enabled?)$/i.test(value)) return true;
  if (/^(off|no|false|disabled?)$/i.test(value)) return false;
  throw new UserError('bad_value', `\`${name}\` is \`on\` or \`off\`.`);
};
const whole = (name: string, value: string, max: number): number => {
  const n = /^(off|none)$/i.test(value) ? 0 : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UserError('bad_value', `\`${name}\` is a whole number from 0 (no limit) to ${max}.`);
  return n;
};
const model = (key: 'defaultImageModel' | 'defaultVideoModel' | 'defaultUpscaleModel', kind: 'image' | 'video' | 'enhance'): Setting => ({
  help: `Default ${kind === 'enhance' ? 'upscale' : kind} model (any provider)`,
  show: (s) => `\`${s[key]}\``,
  async parse(value, services) {
    const found = await findModel(services, value);
    if (found.kind !== kind) throw new UserError('bad_value', `\`${found.id}\` makes ${found.kind === 'enhance' ? 'upscales' : `${found.kind}s`}, not ${kind === 'enhance' ? 'upscales' : `${kind}s`}.`);
    return { [key]: found.id, ...(kind === 'image' ? { defaultProvider: found.provider } : {}) };
  },
});

export const SETTINGS: Record<string, Setting> = {
  image_model: model('defaultImageModel', 'image'),
  video_model: model('defaultVideoModel', 'video'),
  upscale_model: model('defaultUpscaleModel', 'enhance'),
  max_concurrent_jobs: { help: 'Jobs running at once in this workspace (more wait in line)', show: (s) => String(s.maxConcurrentJobs), parse: (v) => ({ maxConcurrentJobs: Math.max(1, whole('max_concurrent_jobs', v, 50)) }) },
  max_per_user: { help: 'Jobs one person may run at once (0: no limit)', show: (s) => String(s.maxConcurrentPerUser || 'no limit'), parse: (v) => ({ maxConcurrentPerUser: whole('max_per_user', v, 50) }) },
  daily_jobs_per_user: { help: 'Jobs one person may start per day (0: no limit)', show: (s) => String(s.maxJobsPerUserPerDay || 'no limit'), parse: (v) => ({ maxJobsPerUserPerDay: whole('daily_jobs_per_user', v, 100_000) }) },
  daily_spend: { help: 'What the workspace may spend per day, per unit (`500 credits`, `2000 cu`, `off`)', show: (s) => amounts(s.dailySpend), parse: (v, _s, cur) => ({ dailySpend: parseAmount('daily_spend', v, cur.dailySpend) }) },
  confirm_above: { help: 'Jobs estimated above this wait for their requester to Confirm (`400 credits`, `off`)', show: (s) => amounts(s.confirmAbove), parse: (v, _s, cur) => ({ confirmAbove: parseAmount('confirm_above', v, cur.confirmAbove) }) },
  channels: {
    help: 'Channels where generations may run (`#art #design`, or `all`)',
    show: (s, platform) => (s.allowedChannels.length === 0 ? 'all' : s.allowedChannels.map((c) => (platform === 'web' ? c : `<#${c}>`)).join(' ')),
    parse(value) {
      if (/^(all|any|everywhere)$/i.test(value.trim())) return { allowedChannels: [] };
      const ids = [...value.matchAll(/<#([A-Z0-9]+)(?:\|[^>]*)?>|\b([CGD][A-Z0-9]{6,}|\d{15,21})\b/g)].map((m) => (m[1] ?? m[2])!);
      if (ids.length === 0) throw new UserError('bad_value', '`channels` takes channel mentions (#art #design) or `all`.');
      return { allowedChannels: [...new Set(ids)] };
    },
  },
  reactions: { help: 'Whether 🎬 on an image starts an animation', show: (s) => (s.reactionsEnabled ? 'on' : 'off'), parse: (v) => ({ reactionsEnabled: onOff('reactions', v) }) },
  server_keys: { help: 'Whether the bot operator’s keys pay when the workspace has none', show: (s) => (s.useServerKeys ? 'on' : 'off'), parse: (v) => ({ useServerKeys: onOff('server_keys', v) }) },
  animate_emoji: { help: 'The emoji that animates an image', show: (s) => `:${s.animateEmoji}:`, parse: (v) => ({ animateEmoji: v.replace(/^:|:$/g, '') }) },
  cancel_emoji: { help: 'The emoji that cancels a job', show: (s) => `:${s.cancelEmoji}:`, parse: (v) => ({ cancelEmoji: v.replace(/^:|:$/g, '') }) },
};

export function settingsView(settings: WorkspaceSettings, platform: PlatformKind): MessageView {
  const lines = Object.entries(SETTINGS).map(([name, s]) => `\`${name}\` ${s.show(settings, platform)} — ${s.help}`);
  return { text: 'Workspace settings', blocks: [{ type: 'text', text: '**Workspace settings**' }, { type: 'text', text: lines.join('\n') }, { type: 'context', text: `Admins change one with \`${commandHint(platform, 'settings', '<name> <value>')}\`.` }] };
}

export function settingsRoute(s: CommandServices): CommandRoute {
  return {
    spec: settingsSpec,
    async run(inv, args, responder) {
      const workspace = workspaceOf(inv);
      const [name, ...words] = (str(args, 'setting') ?? '').split(/\s+/).filter(Boolean);
      const value = words.join(' ') || undefined;
      if (!name) return responder.reply(settingsView(await s.settings.get(workspace), inv.platform), { ephemeral: true });
      const setting = SETTINGS[name.toLowerCase()];
      if (!setting) throw new UserError('bad_value', `Unknown setting \`${name}\`. Settings: ${Object.keys(SETTINGS).map((k) => `\`${k}\``).join(', ')}.`);
      if (!value) throw new UserError('missing_value', `Give a value for \`${name}\`, for example \`${commandHint(inv.platform, 'settings', `${name} …`)}\`.`);
      if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can change settings.');
      const current = await s.settings.get(workspace);
      const updated = await s.settings.update(workspace, await setting.parse(value, s, current));
      await responder.reply(settingsView(updated, inv.platform), { ephemeral: true });
    },
  };
}
