/**
 * `credits`: for each provider this workspace can use, the balance where its API reports one
 * (Krev, KPainter), what this bot spent today and this month (the usage store, per unit), the
 * workspace's limits and what is left of them today.
 */
import type { CommandRoute } from '../../src/dispatcher.js';
import type { CostUnit, ProviderId } from '../../src/generation.js';
import { formatCost } from '../../src/progress.js';
import type { MessageView } from '../../src/view.js';
import { configuredProviders } from '../model-lookup.js';
import type { CommandServices } from '../services.js';
import { creditsSpec } from '../specs.js';
import { workspaceOf } from './common.js';

const NO_BALANCE: Partial<Record<ProviderId, string>> = {
  krea: 'Krea has no API to read the balance: see it at [krea.ai/app/api](https://krea.ai/app/api).',
};

export function creditsRoute(s: CommandServices): CommandRoute {
  return {
    spec: creditsSpec,
    async run(inv, _args, responder) {
      const workspace = workspaceOf(inv);
      const settings = await s.settings.get(workspace);
      const lines: string[] = [];
      for (const id of configuredProviders(s)) {
        const provider = s.providers[id]!;
        const own = await s.credentials.get(workspace, id);
        if (!own) {
          // The operator's server-wide key pays: its balance is the operator's business, not shown here.
          if (settings.useServerKeys && s.hasDefaultCredentials(id)) lines.push(`**${provider.displayName}**: paid through the bot operator’s key.`);
          continue;
        }
        if (!provider.balance) {
          lines.push(`**${provider.displayName}**: ${NO_BALANCE[id] ?? 'this provider does not report a balance.'}`);
          continue;
        }
        const balance = await provider.balance({ credentials: own, signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
        lines.push(`**${provider.displayName}**: ${balance?.text ?? 'the balance could not be read right now.'}`);
      }
      const usage = s.quotas ? await s.quotas.usage(workspace, inv.actor.userId) : undefined;
      const spent = (map: Partial<Record<CostUnit, number>> | undefined) =>
        Object.entries(map ?? {}).filter(([, v]) => v > 0).map(([unit, amount]) => formatCost({ amount, unit: unit as CostUnit })).join(', ') || 'nothing';
      const blocks: MessageView['blocks'] = [{ type: 'text', text: '**Credits and spend**' }, { type: 'text', text: lines.join('\n') || 'No provider is usable in this workspace yet.' }];
      if (usage) {
        const limits = Object.entries(settings.dailySpend).map(([unit, max]) => {
          const used = usage.today[unit as CostUnit] ?? 0;
          return `${formatCost({ amount: max, unit: unit as CostUnit })} a day (${formatCost({ amount: Math.max(0, max - used), unit: unit as CostUnit })} left today)`;
        });
        const perUser = [
          ...(settings.maxJobsPerUserPerDay > 0 ? [`${settings.maxJobsPerUserPerDay} jobs per person a day (you: ${usage.jobsToday} today)`] : []),
          ...(settings.maxConcurrentPerUser > 0 ? [`${settings.maxConcurrentPerUser} at once per person`] : []),
        ];
        blocks.push({
          type: 'fields',
          fields: [
            { label: 'Spent today', value: spent(usage.today) },
            { label: 'This month', value: spent(usage.month) },
            { label: 'Limits', value: [...limits, ...perUser].join('\n') || 'none' },
            { label: 'Resets', value: `<time:${Math.floor(usage.resetsAt / 1000)}:time>` },
          ],
        });
      }
      blocks.push({ type: 'context', text: 'Failed and cancelled jobs are not billed. Spend is what the providers reported, or their published prices where they report nothing.' });
      await responder.reply({ text: 'Credits and spend', blocks }, { ephemeral: true });
    },
  };
}
