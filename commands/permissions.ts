/**
 * Who may control a job (Cancel, Delete): the person who asked for it, or a workspace admin. The
 * adapters decide `isAdmin`, one definition per platform: Slack workspace admins and owners
 * (users.info, adapters/slack/admin-check.ts), Discord members with Manage Server or
 * Administrator (adapters/discord/permissions.ts).
 */
import type { GenerationJob } from '../src/generation.js';
import type { Actor } from '../src/model.js';

export function canControl(actor: Actor, job: Pick<GenerationJob, 'requester'>): boolean {
  return actor.userId === job.requester.userId || actor.isAdmin;
}

export function onlyOwnerMessage(job: Pick<GenerationJob, 'requester'>, verb: string): string {
  return `Only <@${job.requester.userId}> or an admin can ${verb} this.`;
}
