/** The ledger as CSV (RFC 4180): who generated what, when, with which provider, and what it cost. */
import type { LedgerEntry } from '../../src/ports.js';

const HEADER = ['finished_at_utc', 'created_at_utc', 'user_id', 'provider', 'model', 'kind', 'state', 'charged', 'cost', 'cost_unit', 'cost_is_estimate', 'prompt', 'job_id'];

function cell(value: string | number | boolean | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Quote when needed; a leading =, +, - or @ is defused so a spreadsheet never runs a prompt as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function ledgerCsv(entries: LedgerEntry[]): string {
  const rows = entries.map((e) => [
    new Date(e.finishedAt).toISOString(),
    new Date(e.createdAt).toISOString(),
    e.userId,
    e.provider,
    e.modelId,
    e.kind,
    e.state,
    e.charged,
    e.charged === 'no' ? 0 : e.cost?.amount,
    e.cost?.unit,
    e.costIsEstimate ?? false,
    e.prompt,
    e.jobId,
  ]);
  return [HEADER, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
