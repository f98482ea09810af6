/**
 * GET /metrics after real tasks ran: the text parses as Prometheus exposition format 0.0.4,
 * and every family has sensible values, the Temporal SDK's own metrics included.
 */
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { installRuntime, temporalRuntimeMetrics } from '../../src/system';
import { ADMIN_KEY, useTestSystem } from '../helpers/system';
import { taskLookups } from '../helpers/tasks';
import { postWebhook, textMessageWebhook, wamid } from '../../testkit/whatsapp';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const FAMILY_SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/** A strict reader of the text format: throws on any line it does not understand. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const finished = new Set<string>();
  let current: string | undefined;
  const familyOf = (name: string) => {
    for (const [family, type] of types) {
      if (name === family || (FAMILY_SUFFIXES[type] ?? []).some((s) => name === `${family}${s}`)) return family;
    }
    return name;
  };
  const enter = (family: string, line: string) => {
    if (family === current) return;
    if (finished.has(family)) throw new Error(`the lines of ${family} are not in one group: ${line}`);
    if (current) finished.add(current);
    current = family;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!meta) continue; // a comment
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name: ${line}`);
      if (kind === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) throw new Error(`bad type: ${line}`);
        if (types.has(name)) throw new Error(`a second TYPE for ${name}`);
        types.set(name, rest);
      }
      enter(name, line);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([^ ]+)(?: -?\d+)?$/.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText = '', valueText] = sample as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const start = LABEL.lastIndex;
      const m = LABEL.exec(labelText);
      if (!m || m.index !== start) throw new Error(`bad labels: ${line}`);
      labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (valueText !== 'NaN' && Number.isNaN(value)) throw new Error(`bad value: ${line}`);
    enter(familyOf(name), line);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('/metrics', () => {
  // Before the system starts: the runtime (once per process) serves the SDK's metrics on a free port.
  let sdkAddress: string;
  beforeAll(async () => {
    sdkAddress = `127.0.0.1:${await freePort()}`;
    installRuntime('ERROR', sdkAddress);
  });
  const stack = useTestSystem('postgres');
  const { taskOf, finished } = taskLookups(stack);
  let taskId: string;
  let metrics: { types: Map<string, string>; samples: Sample[] };

  const value = (name: string, labels: Record<string, string> = {}) =>
    metrics.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
  const series = (name: string) => metrics.samples.filter((s) => s.name === name);

  beforeAll(async () => {
    expect(temporalRuntimeMetrics()).toEqual({ address: sdkAddress });
    const url = stack.system.url!;
    // One answered question, sent twice (a redelivery), one with a bad signature, one asking for a person.
    const id = wamid();
    const body = textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id, text: 'hello' });
    expect((await postWebhook(url, body)).status).toBe(200);
    expect((await finished(id)).status).toBe('delivered');
    expect((await postWebhook(url, body)).status).toBe(200);
    expect((await postWebhook(url, body, { signature: 'sha256=00' })).status).toBe(401);
    const human = wamid();
    const from = `4477${Math.floor(Math.random() * 1e8)}`;
    expect(
      (await postWebhook(url, textMessageWebhook({ phoneNumberId: stack.system.phoneNumberId, id: human, from, text: 'I want to speak to a real person' })))
        .status,
    ).toBe(200);
    await (async () => {
      for (let i = 0; i < 200; i += 1) {
        if ((await taskOf(human))?.status === 'escalated') return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the task did not escalate');
    })();
    taskId = (await taskOf(id))!.id;
    const api = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect((await api(`/api/v1/agent-tasks/${taskId}`)).status).toBe(200);
    expect((await api('/api/v1/agent-tasks/stats')).status).toBe(200);
    expect((await api('/api/v1/no-such-route')).status).toBe(404);

    const res = await fetch(`${url}/metrics`); // no key: like the health checks
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    metrics = parsePrometheus(await res.text());
  });

  it('when scraped, then the text parses and declares each family once with its type', () => {
    expect(metrics.types.get('http_request_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('webhooks_total')).toBe('counter');
    expect(metrics.types.get('agent_step_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('llm_tokens_total')).toBe('counter');
    expect(metrics.types.get('agent_tasks')).toBe('gauge');
    expect(metrics.types.get('open_escalations')).toBe('gauge');
  });

  it('when webhooks came in, then they are counted by channel and result', () => {
    expect(value('webhooks_total', { channel: 'whatsapp', result: 'accepted' })).toBeGreaterThanOrEqual(2);
    expect(value('webhooks_total', { channel: 'whatsapp', result: 'duplicate' })).toBe(1);
    expect(value('webhooks_total', { channel: 'whatsapp', result: 'unauthorized' })).toBe(1);
  });

  it('when requests were served, then their durations are labelled by method, route pattern and status', () => {
    const count = (labels: Record<string, string>) => value('http_request_duration_seconds_count', labels);
    expect(count({ method: 'POST', route: '/webhooks/whatsapp', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(count({ method: 'POST', route: '/webhooks/whatsapp', status: '401' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/v1/agent-tasks/{id}', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: '/api/v1/agent-tasks/stats', status: '200' })).toBe(1);
    expect(count({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    // No label carries an id.
    expect(series('http_request_duration_seconds_count').some((s) => s.labels.route!.includes(taskId))).toBe(false);
  });

  it('when a task ran, then each step has a duration histogram whose buckets add up', () => {
    for (const step of ['inject_profile', 'rag_search', 'generate', 'confidence_check', 'deliver']) {
      expect(value('agent_step_duration_seconds_count', { step, status: 'succeeded' }), step).toBeGreaterThanOrEqual(1);
    }
    const deliver = { step: 'deliver', status: 'succeeded' };
    const buckets = metrics.samples.filter(
      (s) => s.name === 'agent_step_duration_seconds_bucket' && s.labels.step === 'deliver' && s.labels.status === 'succeeded',
    );
    const counts = buckets.map((b) => b.value);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts); // cumulative
    expect(buckets.at(-1)!.labels.le).toBe('+Inf');
    expect(buckets.at(-1)!.value).toBe(value('agent_step_duration_seconds_count', deliver));
    const sum = value('agent_step_duration_seconds_sum', deliver);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(60);
  });

  it('when a reply was drafted, then its prompt and completion tokens are counted by adapter', () => {
    expect(value('llm_tokens_total', { kind: 'prompt', adapter: 'offline' })).toBeGreaterThan(0);
    expect(value('llm_tokens_total', { kind: 'completion', adapter: 'offline' })).toBeGreaterThan(0);
  });

  it('when scraped, then tasks by status and open escalations by kind are read from the database', () => {
    expect(
      series('agent_tasks')
        .map((s) => s.labels.status)
        .sort(),
    ).toEqual(['awaiting_approval', 'closed', 'delivered', 'escalated', 'failed', 'queued', 'running']);
    expect(value('agent_tasks', { status: 'delivered' })).toBeGreaterThanOrEqual(1);
    expect(value('agent_tasks', { status: 'escalated' })).toBeGreaterThanOrEqual(1);
    expect(value('open_escalations', { kind: 'escalation' })).toBeGreaterThanOrEqual(1);
    expect(
      series('open_escalations')
        .map((s) => s.labels.kind)
        .sort(),
    ).toEqual(['approval', 'escalation']);
  });

  it("when the worker runs in this process, then the Temporal SDK's runtime metrics are appended", async () => {
    const temporal = metrics.samples.filter((s) => s.name.startsWith('temporal_'));
    expect(temporal.length).toBeGreaterThan(0);
    expect(temporal.some((s) => s.labels.task_queue === stack.system.taskQueue)).toBe(true);
    // The same text the SDK's own endpoint serves.
    const direct = await (await fetch(`http://${sdkAddress}/metrics`)).text();
    expect(direct).toContain('temporal_');
  });
});
