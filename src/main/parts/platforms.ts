/** How a worker reaches a workspace: each configured platform registers its directory here. */
import { PlatformError } from '../../errors.js';
import type { PlatformKind } from '../../model.js';
import type { PlatformDirectory } from '../../ports.js';

export interface PlatformRegistry extends PlatformDirectory {
  register(platform: PlatformKind, directory: PlatformDirectory): void;
}

export function createPlatformRegistry(): PlatformRegistry {
  const directories: Partial<Record<PlatformKind, PlatformDirectory>> = {};
  return {
    register(platform, directory) {
      directories[platform] = directory;
    },
    async forWorkspace(workspace, signal) {
      const directory = directories[workspace.platform];
      if (!directory) throw new PlatformError(workspace.platform, 'invalid_auth', `${workspace.platform} is not configured on this bot`);
      return directory.forWorkspace(workspace, signal);
    },
  };
}
