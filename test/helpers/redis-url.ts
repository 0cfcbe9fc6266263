/** The Redis the tests use. Each test isolates itself with a unique key prefix (see uniquePrefix). */
export function testRedisUrl(): string {
  return process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
}

let counter = 0;
/** A key prefix no other test (or run) shares, so tests can run in parallel on one Redis. */
export function uniquePrefix(name = 't'): string {
  counter += 1;
  return `test-${name}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
