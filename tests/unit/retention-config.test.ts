/** The retention settings: the namespace's `retention` key and RETENTION_SCHEDULE / RETENTION_BATCH_SIZE. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { DEFAULT_RETENTION, parseNamespaceConfig, validateNamespaceConfig } from '../../src/namespaces/config';
import { cutoffsAt, periodMs } from '../../src/retention/policy';

const DAY = 86_400_000;

describe('namespace retention', () => {
  it('when a namespace sets no retention, then tasks and messages are kept 90 days, hand-offs 180 and the audit trail 365', () => {
    const config = parseNamespaceConfig({}).data!;
    expect(config.retention).toEqual({ tasks: '90d', messages: '90d', escalations: '180d', audit: '365d' });
    expect(DEFAULT_RETENTION).toEqual(config.retention);
  });

  it('when it sets some keys, "forever" or null, then those apply and the others keep their defaults', () => {
    const validated = validateNamespaceConfig({ retention: { tasks: '30d', messages: 'forever', audit: null } });
    expect(validated.ok && validated.config.retention).toEqual({ tasks: '30d', messages: 'forever', escalations: '180d', audit: null });
  });

  it('when the retention is not valid, then every problem is listed with its path', () => {
    const validated = validateNamespaceConfig({ retention: { tasks: '30', messages: 'soon', escalations: '10m', audit: 5, keep: true } });
    expect(validated.ok).toBe(false);
    const paths = !validated.ok ? validated.problems.map((p) => p.path).sort() : [];
    expect(paths).toEqual(['retention', 'retention.audit', 'retention.escalations', 'retention.messages', 'retention.tasks']);
    expect(!validated.ok && validated.problems.find((p) => p.path === 'retention.tasks')?.message).toMatch(/at least 1h, like 30d/);
  });

  it('when cutoffs are computed, then each step is its period before now, and a kept kind has none', () => {
    const now = Date.UTC(2025, 5, 1);
    const cutoffs = cutoffsAt(now, { tasks: periodMs('90d'), messages: periodMs('forever'), escalations: periodMs('180d'), audit: periodMs(null) });
    expect(cutoffs).toEqual({
      tasks: new Date(now - 90 * DAY).toISOString(),
      escalations: new Date(now - 180 * DAY).toISOString(),
      messages: null,
      inbound_events: null,
      audit: null,
    });
  });
});

describe('retention schedule settings', () => {
  it('when RETENTION_SCHEDULE is unset, then the cleanup runs daily at 03:00 UTC, 500 rows a batch', () => {
    expect(loadConfig({}).retention).toEqual({ schedule: { kind: 'cron', expression: '0 3 * * *' }, batchSize: 500 });
  });

  it('when it is an interval, a cron expression or off, then that is the schedule', () => {
    expect(loadConfig({ RETENTION_SCHEDULE: '12h' }).retention.schedule).toEqual({ kind: 'interval', everyMs: 12 * 3_600_000 });
    expect(loadConfig({ RETENTION_SCHEDULE: '30 2 * * 0' }).retention.schedule).toEqual({ kind: 'cron', expression: '30 2 * * 0' });
    expect(loadConfig({ RETENTION_SCHEDULE: '@daily' }).retention.schedule).toEqual({ kind: 'cron', expression: '@daily' });
    expect(loadConfig({ RETENTION_SCHEDULE: 'off', RETENTION_BATCH_SIZE: '50' }).retention).toEqual({ schedule: { kind: 'off' }, batchSize: 50 });
  });

  it('when they are not valid, then loading fails naming both', () => {
    const load = () => loadConfig({ RETENTION_SCHEDULE: 'sometimes', RETENTION_BATCH_SIZE: '20000' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/RETENTION_SCHEDULE: not a schedule: "sometimes"/);
    expect(load).toThrow(/RETENTION_BATCH_SIZE: at most 10000/);
  });
});
