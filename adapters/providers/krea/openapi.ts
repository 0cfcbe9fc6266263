/**
 * Reads Krea's OpenAPI document: one entry per `POST /generate/{kind}/{vendor}/{model}` with its
 * input schema, average completion time and compute units (both only published in the
 * operation's description table), and the deprecated flag. Shared by the client (catalog,
 * pre-flight validation) and the simulator (request validation).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { z } from 'zod';

export interface KreaModelSpec {
  /** The path after /generate/, e.g. image/bfl/flux-1-dev. */
  id: string;
  kind: 'image' | 'video' | 'enhance';
  summary: string;
  description: string;
  averageSeconds?: number;
  computeUnits?: number;
  deprecated: boolean;
  inputSchema: Record<string, unknown>;
}

const OperationSchema = z.object({
  summary: z.string().optional(),
  description: z.string().optional(),
  deprecated: z.boolean().optional(),
  requestBody: z.object({
    content: z.object({ 'application/json': z.object({ schema: z.record(z.string(), z.unknown()) }) }),
  }),
});

const DocumentSchema = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** "~7 seconds", "23.1", "~2 minutes" -> seconds. */
function parseDuration(text: string): number | undefined {
  const m = /~?\s*([\d.]+)\s*(seconds?|s|minutes?|min|m)?\b/i.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  if (!Number.isFinite(value) || value <= 0) return undefined;
  return /^m/i.test(m[2] ?? '') ? value * 60 : value;
}

/** Finds "Compute Units" and "Average Completion Time" in the first markdown table of a description. */
export function parseDescriptionTable(description: string): { averageSeconds?: number; computeUnits?: number } {
  const lines = description.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('|'));
  if (lines.length < 3) return {};
  const cells = (line: string) => line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const header = cells(lines[0]!).map((h) => h.toLowerCase());
  const first = cells(lines[2]!);
  const out: { averageSeconds?: number; computeUnits?: number } = {};
  const cu = header.indexOf('compute units');
  const avg = header.findIndex((h) => h.includes('average completion'));
  if (cu >= 0) {
    const v = Number((first[cu] ?? '').replace(/[~,\s]/g, ''));
    if (Number.isFinite(v) && (first[cu] ?? '').length > 0) out.computeUnits = v;
  }
  if (avg >= 0) {
    const s = parseDuration(first[avg] ?? '');
    if (s !== undefined) out.averageSeconds = s;
  }
  return out;
}

export function parseKreaOpenApi(document: unknown): KreaModelSpec[] {
  const doc = DocumentSchema.parse(document);
  const models: KreaModelSpec[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const m = /^\/generate\/((image|video|enhance)\/[^/]+\/[^/]+(?:\/[^/]+)?)$/.exec(path);
    if (!m) continue;
    const op = OperationSchema.safeParse(item['post']);
    if (!op.success) continue;
    const description = op.data.description ?? '';
    models.push({
      id: m[1]!,
      kind: m[2] as KreaModelSpec['kind'],
      summary: op.data.summary ?? m[1]!,
      description,
      deprecated: op.data.deprecated === true,
      inputSchema: op.data.requestBody.content['application/json'].schema,
      ...parseDescriptionTable(description),
    });
  }
  return models;
}

/**
 * Compiles input schemas (JSON Schema 2020-12, as in OpenAPI 3.1), each once: cached by the schema
 * object, so a catalog refresh that brings a changed schema brings a new validator with it.
 */
export function createSchemaValidator(): (schema: Record<string, unknown>) => ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const cache = new WeakMap<object, ValidateFunction>();
  return (schema) => {
    let fn = cache.get(schema);
    if (!fn) {
      fn = ajv.compile(schema);
      cache.set(schema, fn);
    }
    return fn;
  };
}

/** One line per schema error, for a 400 body or a log line: "/width must be <= 2368". */
export function describeSchemaErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((e) => {
      const where = e.instancePath || '/';
      if (e.keyword === 'additionalProperties') return `${where} has unknown property "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`;
      return `${where} ${e.message ?? 'is invalid'}`;
    })
    .join('; ');
}
