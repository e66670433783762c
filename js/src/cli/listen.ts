/**
 * `vinr listen --forward-to URL`: webhook deliveries for a local app. It starts a relay on
 * 127.0.0.1, registers it as a webhook endpoint of the sandbox, and forwards every delivery to
 * the target unchanged (the same signed bytes and headers), answering the sandbox with the
 * target's status, so the sandbox's delivery log, retries and replays are the target's real
 * ones. The endpoint is deleted on exit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookEndpointCreateParams } from '@vinr/sdk';
import { stringFlag, UsageError, type CommandSpec, type ParsedArgs } from './args.js';
import { connect, CONNECTION_FLAGS } from './connect.js';
import type { Output } from './output.js';

export const listenCommand: CommandSpec = {
  name: 'listen',
  summary: "Forwards the sandbox's signed webhook deliveries to a local URL, and prints one line per delivery.",
  positional: [],
  flags: [
    { name: 'forward-to', value: 'URL', help: 'where to POST each delivery, e.g. http://localhost:3000/webhooks (required)' },
    { name: 'events', value: 'TYPES', help: 'comma-separated event types or families (payment.*); default every event' },
    ...CONNECTION_FLAGS,
  ],
  details: `
The signing secret of the endpoint is printed at start: give it to your receiver as
VINR_WEBHOOK_SECRET, or as vinr.webhooks.verify(payload, header, { secret }).
Ctrl-C deletes the endpoint and exits.

Example:
  vinr listen --forward-to http://localhost:3000/webhooks --events payment.*,dispute.created`,
};

/** The sandbox gives a receiver 10 s; the relay gives the target a little less to answer in time. */
const TARGET_TIMEOUT_MS = 9_000;

/** Headers of the delivery that describe the relay's connection, not the delivery. */
const NOT_FORWARDED: ReadonlySet<string> = new Set(['host', 'connection', 'content-length', 'keep-alive', 'transfer-encoding']);

export async function runListen(args: ParsedArgs, env: NodeJS.ProcessEnv, out: Output, stop: Promise<void>): Promise<void> {
  const target = stringFlag(args, 'forward-to');
  if (target === undefined) throw new UsageError('--forward-to URL is required, e.g. --forward-to http://localhost:3000/webhooks');
  if (!/^https?:\/\/[^/]/i.test(target) || !URL.canParse(target)) throw new UsageError(`--forward-to must be an http:// or https:// URL, not '${target}'`);
  const events = (stringFlag(args, 'events') ?? '*').split(',').map((e) => e.trim()).filter((e) => e !== '');
  if (events.length === 0) throw new UsageError('--events needs at least one event type, e.g. --events payment.completed');
  const vinr = connect(args, env);

  const relay = createServer((req, res) => void forward(req, res, target, out));
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = relay.address() as AddressInfo;
  try {
    // The sandbox validates the event list (an unknown type is a 400 naming it).
    const endpoint = await vinr.webhooks.create({
      url: `http://127.0.0.1:${port}/`,
      enabledEvents: events as WebhookEndpointCreateParams['enabledEvents'],
      description: `vinr listen → ${target}`,
    });
    out.line(`Ready: forwarding ${events.join(', ')} to ${target} (endpoint ${endpoint.id})`);
    out.line(`Webhook signing secret: ${endpoint.secret}`);
    out.line(`  export VINR_WEBHOOK_SECRET=${endpoint.secret}`);
    out.line('Ctrl-C to stop.');
    await stop;
    await vinr.webhooks.del(endpoint.id).catch((e: unknown) => out.error(`could not delete endpoint ${endpoint.id}: ${String(e)}`));
  } finally {
    relay.closeAllConnections();
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  }
}

async function forward(req: IncomingMessage, res: ServerResponse, target: string, out: Output): Promise<void> {
  const started = performance.now();
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const headers: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (!NOT_FORWARDED.has(name.toLowerCase())) headers.push([name, req.rawHeaders[i + 1] as string]);
  }
  const { type, id } = describe(body, req.headers['webhook-id']);
  let status: number;
  let outcome: string;
  try {
    const answer = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.timeout(TARGET_TIMEOUT_MS), redirect: 'manual' });
    await answer.arrayBuffer(); // the target's body is not the sandbox's business; drained so the connection is reused
    status = answer.status;
    outcome = String(status);
  } catch (e) {
    // No answer: the sandbox records a failed attempt (and retries on its schedule).
    status = 502;
    outcome = e instanceof Error && e.name === 'TimeoutError' ? 'timeout' : `error (${causeOf(e)})`;
  }
  const ms = Math.round(performance.now() - started);
  out.line(`${new Date().toISOString()}  ${type.padEnd(24)} ${id}  → ${outcome}  ${ms} ms`);
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end();
}

/** The event's type and id, from the delivery's JSON (or its Standard Webhooks id). */
function describe(body: Buffer, webhookId: string | string[] | undefined): { type: string; id: string } {
  try {
    const event = JSON.parse(body.toString('utf8')) as { type?: unknown; id?: unknown };
    if (typeof event.type === 'string' && typeof event.id === 'string') return { type: event.type, id: event.id };
  } catch {
    // Not JSON: forwarded all the same; the line shows what the headers say.
  }
  return { type: '(not an event)', id: typeof webhookId === 'string' ? webhookId : '-' };
}

function causeOf(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' ? cause.code : e instanceof Error ? e.message : String(e);
}
