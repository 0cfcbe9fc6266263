/**
 * The HTTP transport under @slack/web-api's WebClient, through its documented `fetch` option:
 * undici's `request` on one keep-alive pool per process, in place of the global WHATWG fetch.
 * The WebClient keeps doing everything else (serialising arguments, retries, 429 answers, error
 * types); this only moves bytes. Why: a WHATWG fetch builds Request and Response objects and web
 * streams around every call, and the pipeline bench profiled it as the largest single cost of a
 * job's CPU (docs/BENCHMARKS.md, "Pipeline throughput").
 *
 * The answer implements what the WebClient reads of a Response (status, statusText, url,
 * headers.get/entries, text, arrayBuffer, json); Slack's answers are small JSON documents, read
 * whole. Redirects are not followed (the WebClient asks for `redirect: 'error'`, and undici's
 * request never follows one).
 */
import { Agent, request, type Dispatcher } from 'undici';

/** A Slack that accepts the connection and then says nothing is an error after this long, not a hang. */
const ANSWER_TIMEOUT_MS = 60_000;

let sharedAgent: Agent | undefined;
/** One pool for every Slack call of the process (the WebClient's and ./web-api-call.ts's): connections are reused across workspaces. */
export const slackAgent = (): Agent => (sharedAgent ??= new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS }));

class SlackAnswerHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const [k, v] of Object.entries(this.raw)) if (v !== undefined) yield [k, Array.isArray(v) ? v.join(', ') : v];
  }
  [Symbol.iterator]() {
    return this.entries();
  }
}

class SlackAnswer {
  readonly ok: boolean;
  readonly headers: SlackAnswerHeaders;
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    headers: Record<string, string | string[] | undefined>,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new SlackAnswerHeaders(headers);
  }
  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.bytes.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.bytes.buffer.slice(this.bytes.byteOffset, this.bytes.byteOffset + this.bytes.byteLength) as ArrayBuffer;
  }
}

/** A `fetch` for `new WebClient(token, { fetch })`. */
export function slackFetch(dispatcher: Dispatcher = slackAgent()): typeof fetch {
  const call = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let headers = init.headers as Record<string, string> | undefined;
    let body = init.body as Dispatcher.DispatchOptions['body'];
    if (init.body instanceof FormData) {
      // The WebClient builds uploads as the global FormData, which another undici cannot stream:
      // encoded by the implementation that made it (multipart with its own boundary).
      const encoded = new Response(init.body);
      body = Buffer.from(await encoded.arrayBuffer());
      headers = { ...headers, 'content-type': encoded.headers.get('content-type')! };
    }
    const res = await request(url, {
      method: (init.method ?? 'GET') as Dispatcher.HttpMethod,
      headers,
      body,
      ...(init.signal ? { signal: init.signal } : {}),
      dispatcher,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(chunk as Buffer);
    return new SlackAnswer(url, res.statusCode, res.statusText ?? '', res.headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) as unknown as Response;
  };
  return call as typeof fetch;
}
