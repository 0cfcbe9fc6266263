/** Discord's permission hierarchy, computed from roles and overwrites (adapters/discord/permissions.ts). */
import { describe, expect, it } from 'vitest';
import { canReadHistory, channelPermissions, PERMISSION, type ChannelPermissionInput } from '../../adapters/discord/permissions.js';

const G = 'g1';
const VIEW = PERMISSION.VIEW_CHANNEL;
const HISTORY = PERMISSION.READ_MESSAGE_HISTORY;
const READ = VIEW | HISTORY;
const s = (b: bigint) => String(b);
const roles = [
  { id: G, permissions: s(READ) },
  { id: 'r-staff', permissions: '0' },
  { id: 'r-muted', permissions: '0' },
  { id: 'r-admin', permissions: s(PERMISSION.ADMINISTRATOR) },
];
const input = (over: Partial<ChannelPermissionInput>): ChannelPermissionInput => ({ guildId: G, ownerId: 'owner', userId: 'u1', memberRoles: [], roles, overwrites: [], ...over });
const role = (id: string, allow: bigint, deny: bigint) => ({ id, type: 0, allow: s(allow), deny: s(deny) });
const member = (id: string, allow: bigint, deny: bigint) => ({ id, type: 1, allow: s(allow), deny: s(deny) });
const readable = (over: Partial<ChannelPermissionInput>) => canReadHistory(channelPermissions(input(over)));

describe('channel permissions', () => {
  it('base: @everyone, OR-ed with the member roles; no overwrites → @everyone can read', () => {
    expect(readable({})).toBe(true);
    expect(readable({ roles: [{ id: G, permissions: s(VIEW) }] })).toBe(false);
  });

  it('a private channel: @everyone denied View Channel, a role allowed it back', () => {
    const overwrites = [role(G, 0n, VIEW), role('r-staff', VIEW, 0n)];
    expect(readable({ overwrites })).toBe(false);
    expect(readable({ overwrites, memberRoles: ['r-staff'] })).toBe(true);
  });

  it('role overwrites apply together: an allow from one role beats a deny from another', () => {
    const overwrites = [role('r-muted', 0n, HISTORY), role('r-staff', HISTORY, 0n)];
    expect(readable({ overwrites, memberRoles: ['r-muted'] })).toBe(false);
    expect(readable({ overwrites, memberRoles: ['r-muted', 'r-staff'] })).toBe(true);
  });

  it("the member's own overwrite comes last, both ways", () => {
    expect(readable({ overwrites: [role('r-staff', VIEW, 0n), member('u1', 0n, VIEW)], memberRoles: ['r-staff'] })).toBe(false);
    expect(readable({ overwrites: [role(G, 0n, VIEW), member('u1', VIEW, 0n)] })).toBe(true);
    // Someone else's member overwrite is not ours.
    expect(readable({ overwrites: [role(G, 0n, VIEW), member('u2', VIEW, 0n)] })).toBe(false);
  });

  it('Administrator (from any role) and the guild owner see everything, overwrites or not', () => {
    const overwrites = [role(G, 0n, READ), member('u1', 0n, READ)];
    expect(readable({ overwrites, memberRoles: ['r-admin'] })).toBe(true);
    expect(readable({ overwrites, userId: 'owner' })).toBe(true);
  });

  it('viewing is not enough: reading history needs Read Message History too', () => {
    expect(readable({ overwrites: [role(G, 0n, HISTORY)] })).toBe(false);
  });
});
