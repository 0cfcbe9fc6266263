/** The terminal banner: what is real, what is simulated, and where to click. */
export function renderBanner(info: { url?: string; real: string[]; simulated: string[]; redis: string; role?: string }): string {
  const lines = [
    '',
    '  genbot is running' + (info.role && info.role !== 'all' ? ` (role: ${info.role})` : ''),
    '',
    ...(info.url ? [`  Open the playground:  ${info.url}`, ''] : []),
    `  Real:       ${info.real.length > 0 ? info.real.join(', ') : 'nothing external'}`,
    `  Simulated:  ${info.simulated.length > 0 ? info.simulated.join(', ') : 'nothing'}`,
    `  Redis:      ${info.redis}`,
    '',
  ];
  const width = Math.max(...lines.map((l) => l.length)) + 2;
  const bar = '─'.repeat(width);
  return [`┌${bar}┐`, ...lines.map((l) => `│${l.padEnd(width)}│`), `└${bar}┘`].join('\n');
}
