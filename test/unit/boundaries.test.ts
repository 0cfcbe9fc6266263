import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkBoundaries } from '../../scripts/boundaries.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('the dependency rule', () => {
  it('holds for the whole project', () => {
    expect(checkBoundaries(root)).toEqual([]);
  });

  it('catches an SDK in src/, one adapter importing another, and commands importing jobs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bounds-'));
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('src/bad.ts', "import { Queue } from 'bullmq';\n");
    write('adapters/slack/x.ts', "import { y } from '../discord/y.js';\n");
    write('adapters/discord/y.ts', 'export const y = 1;\n');
    write('commands/c.ts', "import { q } from '../jobs/q.js';\n");
    write('jobs/q.ts', "import { App } from '@slack/bolt';\nexport const q = 1;\n");
    write('src/main/ok.ts', "import { App } from '@slack/bolt';\nimport { q } from '../../jobs/q.js';\n");
    const problems = checkBoundaries(dir);
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/src\/bad\.ts imports bullmq/);
    expect(problems.join('\n')).toMatch(/adapters\/slack\/x\.ts imports \.\.\/discord\/y\.js/);
    expect(problems.join('\n')).toMatch(/commands\/c\.ts imports \.\.\/jobs\/q\.js/);
    expect(problems.join('\n')).toMatch(/jobs\/q\.ts imports @slack\/bolt/);
  });
});
