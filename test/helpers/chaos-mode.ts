/** The fault runs' two sizes: the bounded one in the test command, and `npm run chaos` (CHAOS=long). */
export function chaosLong(): boolean {
  return process.env['CHAOS'] === 'long';
}

/** Child processes get PATH (redis-server, node) and nothing else of this environment. */
export function inheritedPath(): string {
  return process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin';
}
