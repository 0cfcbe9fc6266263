/**
 * The fake Slack on its own, for benches that measure a worker process alone (bench/slack-process.ts):
 * Slack's clock is not the worker's event loop, so the fake must not share it. A control server
 * on FAKE_SLACK_CONTROL_PORT sets tokens and reports what was called; the first line on stdout
 * is the fake's base URL.
 */
import { createServer } from 'node:http';
import { FakeSlack } from '../test/fakes/slack/server.js';

const slack = new FakeSlack();
// Counts instead of records: over a bench of thousands of jobs the fake would otherwise grow and copy every upload.
slack.recordCalls = false;
slack.keepUploadBytes = false;
await slack.start();
const control = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    if (req.url === '/tokens' && req.method === 'POST') {
      for (const [token, team] of Object.entries(JSON.parse(body) as Record<string, string>)) slack.tokens.set(token, team);
      return void res.end('{}');
    }
    if (req.url === '/stats') {
      const methods = Object.fromEntries(slack.callCounts);
      const calls = Object.values(methods).reduce((a, b) => a + b, 0);
      res.setHeader('content-type', 'application/json');
      return void res.end(JSON.stringify({ calls, methods, limited: slack.rateLimits.limited }));
    }
    res.statusCode = 404;
    res.end();
  });
});
control.listen(Number(process.env['FAKE_SLACK_CONTROL_PORT']), '127.0.0.1', () => process.stdout.write(`${slack.url}\n`));
process.on('SIGTERM', () => void slack.stop().then(() => process.exit(0)));
