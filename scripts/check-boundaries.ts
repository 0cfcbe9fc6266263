/** `npm run lint` part two: fails when an import breaks the dependency rule. */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { checkBoundaries } from './boundaries.js';

const problems = checkBoundaries(join(dirname(fileURLToPath(import.meta.url)), '..'));
if (problems.length > 0) {
  console.error(`Dependency rule broken (${problems.length}):\n` + problems.map((p) => `  - ${p}`).join('\n'));
  process.exit(1);
}
console.log('Dependency rule holds.');
