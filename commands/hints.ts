/** How a management command is typed on each platform: Slack groups them under /genbot. */
import type { PlatformKind } from '../src/model.js';

export function commandHint(platform: PlatformKind, command: string, args = ''): string {
  const rest = args ? ` ${args}` : '';
  return platform === 'slack' ? `/genbot ${command}${rest}` : `/${command}${rest}`;
}
