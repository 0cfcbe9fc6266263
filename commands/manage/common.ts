/** Small pieces the management commands share. */
import type { CommandArgs } from '../../src/command.js';
import type { PlatformKind, WorkspaceRef } from '../../src/model.js';

export const str = (args: CommandArgs, name: string): string | undefined => {
  const v = args[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export function workspaceOf(inv: { platform: PlatformKind; workspaceId: string }): WorkspaceRef {
  return { platform: inv.platform, workspaceId: inv.workspaceId };
}
