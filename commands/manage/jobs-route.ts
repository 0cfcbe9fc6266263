/**
 * `jobs`: my running and recent generations (admins: the workspace's, or `jobs all`), each with a
 * link to its thread, its state and what it cost; Cancel on the running ones. `jobs export`
 * (admins) sends the ledger of the last 90 days as a CSV by DM.
 */
import type { CommandRoute } from '../../src/dispatcher.js';
import { UserError } from '../../src/errors.js';
import type { GenerationJob } from '../../src/generation.js';
import type { WorkspaceRef } from '../../src/model.js';
import type { LedgerEntry } from '../../src/ports.js';
import { formatCost } from '../../src/progress.js';
import type { Button, MessageView } from '../../src/view.js';
import { messageUrl } from '../message-link.js';
import type { CommandServices } from '../services.js';
import { jobsSpec } from '../specs.js';
import { commandHint } from '../hints.js';
import { paginate } from '../paging.js';
import { workspaceOf } from './common.js';
import { ledgerCsv } from './ledger-csv.js';

const RECENT = 15;
/** Cancel buttons shown at most (Discord: 5 rows of 5 buttons; keep it readable everywhere). */
const MAX_CANCEL_BUTTONS = 5;

const short = (text: string, n = 60) => (text.length > n ? `${text.slice(0, n - 1)}…` : text) || '(no prompt)';
const when = (ms: number) => `<time:${Math.floor(ms / 1000)}:relative>`;

function runningLine(job: GenerationJob, showWho: boolean): string {
  const url = job.statusMessage ? messageUrl(job.statusMessage) : undefined;
  const title = url ? `[${short(job.request.prompt)}](${url})` : short(job.request.prompt);
  const state = job.step === 'announce' || (job.step === 'submit' && job.operations.length === 0) ? 'waiting' : job.step === 'deliver' ? 'delivering' : 'running';
  return `⏳ ${title} · ${state} · started ${when(job.createdAt)}${showWho ? ` · <@${job.requester.userId}>` : ''}${job.estimate ? ` · ~${formatCost(job.estimate)}` : ''}`;
}

function finishedLine(entry: LedgerEntry, showWho: boolean, workspace: WorkspaceRef): string {
  const url = entry.channelId && entry.messageId ? messageUrl({ ...workspace, channelId: entry.channelId, messageId: entry.messageId }) : undefined;
  const icon = entry.state === 'succeeded' ? '✅' : entry.state === 'cancelled' ? '⏹' : '⚠️';
  const cost = entry.charged === 'no' ? 'not charged' : entry.cost ? `${entry.costIsEstimate ? '~' : ''}${formatCost(entry.cost)}` : 'cost unknown';
  return `${icon} ${url ? `[${short(entry.prompt)}](${url})` : short(entry.prompt)} · ${entry.provider} · ${when(entry.finishedAt)} · ${cost}${showWho ? ` · <@${entry.userId}>` : ''}`;
}

export function jobsRoute(s: CommandServices): CommandRoute {
  return {
    spec: jobsSpec,
    async run(inv, args, responder) {
      const workspace = workspaceOf(inv);
      const word = String(args['filter'] ?? '').trim().toLowerCase();
      if (word === 'export') {
        if (!inv.actor.isAdmin) throw new UserError('forbidden', 'Only workspace admins can export the history.');
        if (!s.ledger) throw new UserError('not_found', 'This bot keeps no history.');
        const entries = await s.ledger.list(workspace, {});
        const platform = await s.platforms.forWorkspace(workspace);
        await platform.directMessage(workspace, inv.actor.userId, { text: 'Generation history (CSV)', blocks: [{ type: 'text', text: `Generation history of this workspace, last 90 days: ${entries.length} jobs.` }] }, undefined, [
          { name: `genbot-history-${new Date(s.clock.now()).toISOString().slice(0, 10)}.csv`, mimeType: 'text/csv', bytes: new TextEncoder().encode(ledgerCsv(entries)) },
        ]);
        return void (await responder.reply({ text: 'Sent', blocks: [{ type: 'text', text: `Sent you the history (${entries.length} jobs) as a CSV in a direct message.` }] }, { ephemeral: true }));
      }
      const everyone = inv.actor.isAdmin && word === 'all';
      const mine = (userId: string) => everyone || userId === inv.actor.userId;
      const running = (await s.queue.listActive(workspace)).filter((j) => mine(j.requester.userId));
      const recent = s.ledger ? await s.ledger.list(workspace, { ...(everyone ? {} : { userId: inv.actor.userId }), limit: RECENT }) : [];
      const lines = [...running.map((j) => runningLine(j, everyone)), ...recent.map((e) => finishedLine(e, everyone, workspace))];
      const title = everyone ? 'This workspace’s generations' : 'Your generations';
      const buttons: Button[] = running.slice(0, MAX_CANCEL_BUTTONS).map((j) => ({ label: `Cancel “${short(j.request.prompt, 20)}”`, action: 'cancel', jobId: j.id, style: 'danger' }));
      const page = paginate(lines, { platform: inv.platform, title, next: () => commandHint(inv.platform, 'jobs', everyone ? 'all' : '') }).lines;
      const view: MessageView = {
        text: title,
        blocks: [
          { type: 'text', text: `**${title}**` },
          { type: 'text', text: page.join('\n') || 'Nothing yet: start one with /generate.' },
          ...(inv.actor.isAdmin && !everyone ? [{ type: 'context' as const, text: 'Admins: add `all` for everyone’s, or `export` for a CSV of the last 90 days.' }] : []),
          ...(buttons.length > 0 ? [{ type: 'actions' as const, buttons }] : []),
        ],
      };
      await responder.reply(view, { ephemeral: true });
    },
  };
}
