/** GET/PUT /api/v1/namespaces/:ns over real HTTP: defaults, full validation, create on first PUT. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_INTENTS, DEFAULT_SYSTEM_PROMPT } from '../../src/namespaces/config';
import { json } from '../helpers/http';
import { ADMIN_KEY, useTestSystem } from '../helpers/system';

describe('namespaces API', () => {
  const stack = useTestSystem('pglite', { worker: false });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.system.url}/api/v1/namespaces${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const unique = () => `acme-${Math.floor(Math.random() * 1e9)}`;

  it('when the default namespace is read, then every key has its sensible default', async () => {
    const res = await call('GET', '/default');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.namespace).toBe('default');
    expect(body.config).toMatchObject({
      systemPrompt: DEFAULT_SYSTEM_PROMPT,
      agentRunner: {},
      knowledge: { synonyms: [], builtInSynonyms: true },
      intents: DEFAULT_INTENTS,
      escalation: { intents: ['human_request'], minConfidence: 0.35 },
      trustMatrix: {},
      channelScopes: {},
    });
    // No adapter named: the model when the deployment has a key, the offline adapter otherwise (adapterFor).
    expect(body.config.agentRunner.activeAdapter).toBeUndefined();
  });

  it('when a new namespace is PUT, then it is created (201) with defaults filled in; a second PUT replaces it (200)', async () => {
    const ns = unique();
    expect((await call('GET', `/${ns}`)).status).toBe(404);
    const created = await call('PUT', `/${ns}`, {
      systemPrompt: 'You answer for ACME.',
      trustMatrix: { complaint: 'approve', billing: 'escalate' },
      channelScopes: { whatsapp: ['orders', 'billing'] },
      escalation: { keywords: ['lawyer'], minConfidence: 0.5, timeout: '2h', assignee: 'U024BE7LH' },
    });
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body.config).toMatchObject({
      systemPrompt: 'You answer for ACME.',
      intents: DEFAULT_INTENTS,
      escalation: { keywords: ['lawyer'], intents: ['human_request'], minConfidence: 0.5, timeout: '2h', assignee: 'U024BE7LH' },
      trustMatrix: { complaint: 'approve', billing: 'escalate' },
      channelScopes: { whatsapp: ['orders', 'billing'] },
    });
    const replaced = await call('PUT', `/${ns}`, { intents: ['question', 'refund'], escalation: { intents: ['refund'] } });
    expect(replaced.status).toBe(200);
    const after = await json(await call('GET', `/${ns}`));
    expect(after.config.intents).toEqual(['question', 'refund']);
    expect(after.config.trustMatrix).toEqual({}); // a PUT replaces the whole config
    expect(after.config.systemPrompt).toBe(DEFAULT_SYSTEM_PROMPT);
  });

  it('when a config has many problems, then 400 lists every one with its path and nothing is stored', async () => {
    const ns = unique();
    const res = await call('PUT', `/${ns}`, {
      sytemPrompt: 'typo',
      agentRunner: { activeAdapter: 'gpt-5' },
      intents: ['Greeting', 'question', 'question'],
      escalation: { minConfidence: 1.5, intents: ['nope'], timeout: 'soon' },
      trustMatrix: { question: 'maybe', ghost: 'auto' },
      channelScopes: { fax: ['x'], whatsapp: [] },
    });
    expect(res.status).toBe(400);
    const { error } = await json(res);
    expect(error.code).toBe('invalid_config');
    const paths = (error.problems as Array<{ path: string }>).map((p) => p.path).sort();
    expect(paths).toEqual(
      [
        '(config)',
        'agentRunner.activeAdapter',
        'channelScopes',
        'channelScopes.whatsapp',
        'escalation.intents.0',
        'escalation.minConfidence',
        'escalation.timeout',
        'intents',
        'intents.0',
        'trustMatrix.ghost',
        'trustMatrix.question',
      ].sort(),
    );
    expect(error.message).toMatch(/^11 problem\(s\): /);
    expect(error.message).toContain('unknown key(s): sytemPrompt');
    expect((await call('GET', `/${ns}`)).status).toBe(404);
  });

  it('when the name, body or content type is wrong, then 400/415 with a clear error', async () => {
    const badName = await call('PUT', '/Not%20OK', {});
    expect(badName.status).toBe(400);
    expect((await json(badName)).error.code).toBe('invalid_namespace');
    const array = await call('PUT', `/${unique()}`, [1, 2]);
    expect(array.status).toBe(400);
    const broken = await call('PUT', `/${unique()}`, '{"systemPrompt": ');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('invalid_json');
    const text = await call('PUT', `/${unique()}`, 'systemPrompt=x', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const noKey = await fetch(`${stack.system.url}/api/v1/namespaces/default`);
    expect(noKey.status).toBe(401);
  });
});
