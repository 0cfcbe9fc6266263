/**
 * `models [filter]`: every configured provider's models with kind, average time, what one output
 * costs (in the provider's own unit, with a relative $–$$$ within that unit) and whether it is a
 * default or deprecated; paged so a page never exceeds the platform's limits.
 */
import type { ModelInfo } from '../../src/catalog.js';
import type { CommandRoute } from '../../src/dispatcher.js';
import { UserError } from '../../src/errors.js';
import type { Cost, GenerationRequest } from '../../src/generation.js';
import { formatCost } from '../../src/progress.js';
import { commandHint } from '../hints.js';
import { allModels, kindLabel } from '../model-lookup.js';
import type { CommandServices } from '../services.js';
import { modelsSpec } from '../specs.js';
import { paginate, pageView } from '../paging.js';
import { str, workspaceOf } from './common.js';

/** What one output of a model costs by the provider's published prices (a 5 s clip for video). */
export function unitCost(s: CommandServices, model: ModelInfo): Cost | undefined {
  const provider = s.providers[model.provider];
  if (!provider?.estimateCost) return undefined;
  const request: GenerationRequest = { provider: model.provider, modelId: model.id, kind: model.kind, prompt: '', count: 1, inputs: [], params: {}, ...(model.kind === 'video' ? { durationSeconds: 5 } : {}) };
  return provider.estimateCost(request, model);
}

/** $ to $$$ by where a cost sits between the cheapest and dearest of the same unit (log scale). */
function relative(cost: Cost, range: { min: number; max: number }): string {
  if (range.max <= range.min || cost.amount <= 0) return '$';
  const at = Math.log(cost.amount / range.min) / Math.log(range.max / range.min);
  return at < 1 / 3 ? '$' : at < 2 / 3 ? '$$' : '$$$';
}

export function modelsRoute(s: CommandServices): CommandRoute {
  return {
    spec: modelsSpec,
    async run(inv, args, responder) {
      const settings = await s.settings.get(workspaceOf(inv));
      const kind = str(args, 'kind');
      // `models flux page 2`: the page rides on the search text, so no platform needs a new option.
      const words = (str(args, 'search') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const pageAt = words.lastIndexOf('page');
      const page = pageAt >= 0 && /^\d+$/.test(words[pageAt + 1] ?? '') ? Number(words[pageAt + 1]) : 1;
      const search = (pageAt >= 0 ? [...words.slice(0, pageAt), ...words.slice(pageAt + 2)] : words).join(' ');
      const models = (await allModels(s))
        .filter((m) => (!kind || m.kind === kind) && (!search || m.id.toLowerCase().includes(search) || m.provider === search))
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.provider.localeCompare(b.provider) || Number(a.deprecated) - Number(b.deprecated) || a.id.localeCompare(b.id));
      if (models.length === 0) throw new UserError('not_found', `No model matches. Try \`${commandHint(inv.platform, 'models')}\` with no filter.`);

      const costs = new Map(models.map((m) => [m.id, unitCost(s, m)]));
      const ranges = new Map<string, { min: number; max: number }>();
      for (const cost of costs.values()) {
        if (!cost || cost.amount <= 0) continue;
        const r = ranges.get(cost.unit) ?? { min: cost.amount, max: cost.amount };
        ranges.set(cost.unit, { min: Math.min(r.min, cost.amount), max: Math.max(r.max, cost.amount) });
      }
      const defaults = new Set([settings.defaultImageModel, settings.defaultVideoModel, settings.defaultUpscaleModel]);
      const lines = models.map((m) => {
        const cost = costs.get(m.id);
        const parts = [`\`${m.id}\``, kindLabel(m), ...(m.averageSeconds ? [`~${Math.round(m.averageSeconds)}s`] : []), ...(cost ? [`${formatCost(cost)} ${relative(cost, ranges.get(cost.unit)!)}`] : [])];
        return `${parts.join(' · ')}${defaults.has(m.id) ? ' _(default)_' : ''}${m.deprecated ? ' _(deprecated)_' : ''}`;
      });
      const title = `${models.length} models`;
      const shown = paginate(lines, { platform: inv.platform, page, title, next: (n) => commandHint(inv.platform, 'models', `${search ? `${search} ` : ''}page ${n}`) });
      await responder.reply(pageView(title, shown), { ephemeral: true });
    },
  };
}
