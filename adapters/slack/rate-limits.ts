/**
 * Slack's published Web API limits, as the bot paces itself under them (adapters/redis/call-pacer.ts).
 *
 * Source: Slack's rate-limit guide (docs.slack.dev/apis/web-api/rate-limits) and each method's
 * page. Limits apply "per API method per app per workspace": Tier 1 1+/min, Tier 2 20+/min,
 * Tier 3 50+/min, Tier 4 100+/min, bursts tolerated but unquantified. chat.postMessage is special:
 * about one message per second per channel ("short bursts >1 allowed", no guarantee), plus a
 * workspace-wide limit Slack does not give a number for.
 *
 * Assumptions, written down because the docs leave them open:
 * - The "+" is headroom we do not count on: we pace at 90% of the floor, with small bursts.
 * - files.getUploadURLExternal and files.completeUploadExternal are Tier 4 and the one-per-second
 *   rule is chat.postMessage's alone (the upload's message is shared by Slack, not posted by us).
 * - conversations.history and conversations.replies are Tier 3: true for internal (customer-built)
 *   apps and Marketplace apps; a commercially distributed app outside the Marketplace gets 1/min
 *   since 2025 (Slack changelog 2025-05-29) and should set SLACK_HISTORY_PER_MINUTE accordingly.
 */
import type { PaceRule } from '../../src/ports.js';

export type SlackTier = 1 | 2 | 3 | 4;

const TIER_PER_MINUTE: Record<SlackTier, number> = { 1: 1, 2: 20, 3: 50, 4: 100 };
/** How many calls of a tier may go at once before the per-minute spacing applies. */
const TIER_BURST: Record<SlackTier, number> = { 1: 1, 2: 2, 3: 4, 4: 8 };
const SAFETY = 0.9;

/** The tier of each method the bot calls; anything unlisted is treated as Tier 2 (Slack's "most methods"). */
export const SLACK_METHOD_TIERS: Readonly<Record<string, SlackTier>> = {
  'chat.update': 3,
  'chat.delete': 3,
  'chat.postEphemeral': 4,
  'conversations.history': 3,
  'conversations.replies': 3,
  'conversations.info': 3,
  'conversations.members': 4,
  'users.info': 4,
  'views.open': 4,
  'views.update': 4,
  'views.publish': 4,
  'files.getUploadURLExternal': 4,
  'files.completeUploadExternal': 4,
  'files.info': 4,
};

/** chat.postMessage in one channel: one a second, paced a little wider so clock jitter never makes two. */
export const SLACK_POST_PER_CHANNEL: PaceRule = { perMinute: 60 * SAFETY, burst: 1 };

/**
 * The posts actually sent in one channel, a second apart. Slots reserved ahead (a status post
 * waiting as a delayed job) are kept on average, but a job woken late could land right before a
 * neighbour woken on time; this second, short-wait gate spaces what really goes out. Its 10 %
 * margin (1.11 s apart) covers the time between taking the slot and Slack receiving the call,
 * tens of milliseconds when a worker's CPU is saturated; at the first gate's rate, late jobs do
 * not pile up here.
 */
export const SLACK_POST_SENT_PER_CHANNEL: PaceRule = { perMinute: 54, burst: 1 };

export function slackPostSentCall(channel: string): string {
  return `slack:chat.postMessage:${channel}:sent`;
}

export function slackMethodRule(method: string, overrides: { historyPerMinute?: number } = {}): PaceRule {
  const tier = SLACK_METHOD_TIERS[method] ?? 2;
  const isHistory = method === 'conversations.history' || method === 'conversations.replies';
  const perMinute = isHistory && overrides.historyPerMinute ? overrides.historyPerMinute : TIER_PER_MINUTE[tier] * SAFETY;
  return { perMinute, burst: isHistory && overrides.historyPerMinute ? 1 : TIER_BURST[tier] };
}

/** The pacer's name for a call: per method per workspace, chat.postMessage also per channel. */
export function slackPaceCall(method: string, channel?: string): string {
  return method === 'chat.postMessage' && channel ? `slack:chat.postMessage:${channel}` : `slack:${method}`;
}
