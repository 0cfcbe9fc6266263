/**
 * The dependency rule (docs/ARCHITECTURE.md), checked by reading import lines:
 * - src/ (outside src/main/) imports no SDK and nothing outside src/;
 * - commands/ and jobs/ import only src/ and themselves (jobs/ may use bullmq and ioredis);
 * - an adapter imports no other adapter, nor commands/ or jobs/;
 * - only src/main/ wires everything.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SDKS = ['@slack/', 'discord.js', '@discordjs/', 'bullmq', 'ioredis', 'undici', 'express', 'ws', 'prom-client', '@bull-board/', 'ajv', 'yaml'];

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

function importsOf(source: string): string[] {
  const found: string[] = [];
  const re = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (let m = re.exec(source); m; m = re.exec(source)) found.push((m[1] ?? m[2])!);
  return found;
}

/** The top-level area of a path: src, src/main, commands, jobs, adapters/<name>. */
function areaOf(relPath: string): string {
  const parts = relPath.split(sep);
  if (parts[0] === 'src') return parts[1] === 'main' ? 'src/main' : 'src';
  if (parts[0] === 'adapters') return parts[1] === 'providers' ? 'adapters/providers' : `adapters/${parts[1]}`;
  return parts[0]!;
}

export function checkBoundaries(root: string): string[] {
  const problems: string[] = [];
  for (const top of ['src', 'commands', 'jobs', 'adapters']) {
    let files: string[];
    try {
      files = [...tsFiles(join(root, top))];
    } catch {
      continue;
    }
    for (const file of files) {
      const rel = relative(root, file);
      const area = areaOf(rel);
      if (area === 'src/main') continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('.')) {
          const target = relative(root, resolve(dirname(file), spec));
          if (target.startsWith('..')) continue;
          const targetArea = areaOf(target);
          const ok =
            targetArea === area ||
            targetArea === 'src' ||
            false;
          if (!ok) problems.push(`${rel} imports ${spec} (${area} may not depend on ${targetArea})`);
          continue;
        }
        const sdk = SDKS.find((s) => spec === s || spec.startsWith(s.endsWith('/') ? s : `${s}/`) || spec === s.replace(/\/$/, ''));
        if (sdk && (area === 'src' || area === 'commands')) problems.push(`${rel} imports ${spec} (${area} knows no SDK)`);
        if (sdk && area === 'jobs' && !['bullmq', 'ioredis'].includes(sdk)) problems.push(`${rel} imports ${spec} (jobs/ uses only bullmq and ioredis)`);
      }
    }
  }
  return problems;
}
