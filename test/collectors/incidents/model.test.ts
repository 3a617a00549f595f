/**
 * The incident model shared by every incident source: mapping, severity and threshold, outcomes,
 * titles, and what is stored through the real ingest path into a real SQLite file (counted,
 * unmapped, skipped, withdrawn, and moved once a mapping names it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempDb } from '../../helpers/db';
import { ingestEvents } from '../../../db/ingest';
import { validateEvents } from '../../../common/validate-events';
import type { SourceIncidentsWrite } from '../../../db/queries/source-incidents';
import { loadConfig, ConfigError } from '../../../server/config';
import { resolveIncidentModel, type IncidentSourceFile } from '../../../collectors/incidents/config';
import { pagerdutyTraits } from '../../../collectors/pagerduty/config';
import { decide, toRecord, type SourceIncident } from '../../../collectors/incidents/model';
import { incidentBatch } from '../../../collectors/incidents/apply';
import { reconcileIncidents } from '../../../collectors/incidents/reconcile';
import { sourceIncidentReads as incidentReads } from '../../../db/queries/source-incidents';
import type { Db } from '../../../db/connection';

const T = (s: string) => Date.parse(s);
const base: IncidentSourceFile = { titles: false, services: [{ when: { 'service.id': 'PBOOK' }, service: 'health/booking' }] };
const model = (f: Partial<IncidentSourceFile> = {}) => resolveIncidentModel({ ...base, ...f }, pagerdutyTraits, undefined);

const incident = (o: Partial<SourceIncident> = {}): SourceIncident => ({
  id: 'Q1',
  fields: { 'service.id': 'PBOOK', 'service.name': 'Booking' },
  severityValue: 'P2',
  openedAt: T('2026-03-01T10:00:00Z'),
  resolvedAt: T('2026-03-01T11:00:00Z'),
  outcome: null,
  title: 'Dr Jane Smith paged: booking down',
  url: 'https://acme.pagerduty.com/incidents/Q1',
  updatedAt: T('2026-03-01T11:00:00Z'),
  ...o,
});

describe('deciding what an incident is', () => {
  it('counts a mapped incident at or above the threshold, with its severity and without its title by default', () => {
    const d = decide(model(), toRecord(model(), incident()));
    expect(d.status).toBe('counted');
    expect(d.event).toMatchObject({
      type: 'incident',
      id: 'Q1',
      source: 'pagerduty',
      service: 'health/booking',
      severity: 'sev2',
      resolvedAt: '2026-03-01T11:00:00.000Z',
    });
    expect(d.event).not.toHaveProperty('title');
    const withTitles = model({ titles: true });
    expect(decide(withTitles, toRecord(withTitles, incident())).event?.title).toBe('Dr Jane Smith paged: booking down');
  });

  it('keeps an incident no rule maps, naming the field and value a rule would map it by', () => {
    const d = decide(model(), toRecord(model(), incident({ fields: { 'service.id': 'PPAY', 'service.name': 'Payments' } })));
    expect(d.status).toBe('unmapped');
    expect(d.reason).toContain('{when: {service.id: "PPAY"}, service: owner/name}');
  });

  it('skips below the threshold (default sev3), and counts it once the threshold takes it', () => {
    const p4 = incident({ severityValue: 'P4' });
    expect(decide(model(), toRecord(model(), p4))).toMatchObject({
      status: 'skipped',
      reason: expect.stringContaining('below the threshold: sev4 (P4)'),
    });
    expect(decide(model({ threshold: 'sev4' }), toRecord(model(), p4)).status).toBe('counted');
    // Urgency stands in when there is no priority: low is sev4 by default.
    expect(decide(model(), toRecord(model(), incident({ severityValue: 'low' }))).status).toBe('skipped');
  });

  it('skips duplicates and incidents resolved before they opened, saying why', () => {
    expect(decide(model(), toRecord(model(), incident({ outcome: 'duplicate' }))).reason).toContain('duplicate');
    const backwards = decide(model(), toRecord(model(), incident({ resolvedAt: T('2026-03-01T09:00:00Z') })));
    expect(backwards).toMatchObject({ status: 'skipped', reason: expect.stringContaining('before it opened') });
  });

  it('puts a matched value into a templated service, and refuses a rule naming no field it matches', () => {
    const m = model({ services: [{ when: { 'service.name': 'clinic-*' }, service: 'health/{service.name}' }] });
    expect(decide(m, toRecord(m, incident({ fields: { 'service.id': 'X', 'service.name': 'clinic-north' } }))).service).toBe(
      'health/clinic-north',
    );
    expect(() => model({ services: [{ when: { 'service.id': 'X' }, service: 'health/{service.name}' }] })).toThrow(
      /"\{service.name\}" is not a field this rule matches/,
    );
  });
});

describe('the incidents: block of the configuration', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });
  const load = (yaml: string) => {
    dir = mkdtempSync(join(tmpdir(), 'deming-incidents-config-'));
    const file = join(dir, 'deming.config.yaml');
    writeFileSync(file, yaml);
    return loadConfig({ DEMING_DB: join(dir, 'db') }, file);
  };

  it('names the key and the fix for a wrong field, severity or filter', () => {
    expect(() => load('incidents:\n  pagerduty:\n    services:\n      - when: {svc: PBOOK}\n        service: health/booking\n')).toThrow(
      /incidents\.pagerduty\.services\[0\]\.when: "svc" is not a field of pagerduty incidents: use service\.id or service\.name/,
    );
    expect(() => load('incidents:\n  threshold: sev6\n')).toThrow(ConfigError);
    expect(() => load('incidents:\n  threshold: sev6\n')).toThrow(/incidents\.threshold: expected sev1, sev2, sev3, sev4 or sev5/);
    expect(() =>
      load('incidents:\n  alertmanager:\n    bearerTokens: [0123456789abcdef0123]\n    filter: ["severity=critical"]\n'),
    ).toThrow(
      /incidents\.alertmanager\.filter\[0\]: "severity=critical" is not a matcher: write it as Alertmanager does, such as env="production"/,
    );
  });

  it("makes the services a mapping names report incidents from the source's start", () => {
    const c = load(
      'incidents:\n  pagerduty:\n    since: 2025-06-01\n    services:\n      - when: {service.id: PBOOK}\n        service: health/booking\n      - when: {service.name: "clinic-*"}\n        service: "health/{service.name}"\n',
    );
    expect(c.evidence.incidents).toEqual([
      { services: 'health/booking', since: T('2025-06-01T00:00:00Z') },
      { services: 'health/*', since: T('2025-06-01T00:00:00Z') },
    ]);
    expect(c.incidents.pagerduty?.model.threshold).toBe(3);
    expect(c.hasSources).toBe(true);
  });

  it('keeps an incident opened before limits.earliest aside as skipped, saying why, not as counted', () => {
    const c = load(
      'limits: { earliest: 2020-01-01 }\nincidents:\n  pagerduty:\n    services:\n      - when: {service.id: PBOOK}\n        service: health/booking\n',
    );
    const m = c.incidents.pagerduty!.model;
    const old = decide(m, toRecord(m, incident({ openedAt: T('2019-12-31T23:00:00Z'), resolvedAt: T('2020-01-01T01:00:00Z') })));
    expect(old).toMatchObject({ status: 'skipped', event: null });
    expect(old.reason).toBe('opened (2019-12-31T23:00:00.000Z) before limits.earliest (2020-01-01T00:00:00.000Z): the figures start there');
    expect(decide(m, toRecord(m, incident())).status).toBe('counted');
    expect(c.incidents.models[0].earliest).toBe(T('2020-01-01T00:00:00Z'));
  });

  it("claims no service for Alertmanager's service-label fallback, only for the rules written out", () => {
    const c = load(
      'incidents:\n  alertmanager:\n    bearerTokens: [0123456789abcdef0123]\n    filter: [\'env="production"\']\n    since: 2025-06-01\n',
    );
    expect(c.evidence.incidents).toEqual([]);
    const named = load(
      'incidents:\n  alertmanager:\n    bearerTokens: [0123456789abcdef0123]\n    filter: [\'env="production"\']\n    since: 2025-06-01\n    services: [{when: {service: booking}, service: health/booking}]\n',
    );
    expect(named.evidence.incidents).toEqual([{ services: 'health/booking', since: T('2025-06-01T00:00:00Z') }]);
  });
});

describe('storing through the ingest path', () => {
  let env: ReturnType<typeof tempDb>;
  afterEach(() => env.cleanup());
  const now = T('2026-03-05T00:00:00Z');
  const rows = (db: Db) =>
    db
      .prepare(
        'SELECT ext_id AS id, s.name AS service, severity, resolved_at AS resolvedAt FROM incidents i JOIN services s ON s.id = i.service_id ORDER BY ext_id',
      )
      .all();
  const setup = () => {
    env = tempDb();
    // The one ingest path's storing step, as the ingest service calls it.
    const ingest = async (events: unknown[], write: SourceIncidentsWrite) =>
      ingestEvents(env.db, validateEvents(events), {
        production: /^prod/i,
        now,
        resolveTeam: () => null,
        alsoStore: { incidents: write },
      });
    const store = async (m: ReturnType<typeof model>, list: SourceIncident[]) => {
      const b = incidentBatch(m, list, now);
      return ingest(b.events, b.write);
    };
    return { store, ingest, reads: incidentReads(env.db) };
  };

  it('counts mapped incidents, keeps the unmapped and the skipped with their reasons, and moves an unmapped one when a rule names it', async () => {
    const { store, ingest, reads } = setup();
    await store(model(), [
      incident(),
      incident({ id: 'Q2', fields: { 'service.id': 'PPAY' } }),
      incident({ id: 'Q3', severityValue: 'P5' }),
    ]);
    expect(rows(env.db)).toEqual([{ id: 'Q1', service: 'health/booking', severity: 'sev2', resolvedAt: T('2026-03-01T11:00:00Z') }]);
    expect((await reads.sourceIncidentList('unmapped', null, 10)).map((r) => r.id)).toEqual(['Q2']);
    expect((await reads.sourceIncidentList('skipped', 'pagerduty', 10)).map((r) => [r.id, r.reason])).toEqual([
      ['Q3', expect.stringContaining('below the threshold')],
    ]);
    // Nothing personal: the title was not stored anywhere.
    expect(JSON.stringify(env.db.prepare('SELECT * FROM source_incidents').all())).not.toContain('Jane');

    const mapped = model({ services: [...base.services, { when: { 'service.id': 'PPAY' }, service: 'health/payments' }] });
    const moved = await reconcileIncidents(reads, [mapped], ingest, now);
    expect(moved.counted).toBe(1);
    expect(rows(env.db).map((r: any) => [r.id, r.service])).toEqual([
      ['Q1', 'health/booking'],
      ['Q2', 'health/payments'],
    ]);
    expect(await reads.sourceIncidentList('unmapped', null, 10)).toEqual([]);
  });

  it('takes an incident out of the figures when a newer state no longer counts, and an older state arriving later never brings it back', async () => {
    const { store } = setup();
    const open = incident({ resolvedAt: null, updatedAt: T('2026-03-01T10:00:00Z') });
    await store(model(), [open]);
    expect(rows(env.db)).toHaveLength(1);
    // Re-prioritised to P4 later: below the threshold.
    await store(model(), [incident({ severityValue: 'P4', resolvedAt: null, updatedAt: T('2026-03-01T10:30:00Z') })]);
    expect(rows(env.db)).toEqual([]);
    // The P2 state delivered again, late: older, ignored.
    const late = await store(model(), [open]);
    expect(late.accepted + late.updated).toBe(0);
    expect(rows(env.db)).toEqual([]);
    // Raised again to P1: it counts again.
    await store(model(), [incident({ severityValue: 'P1', updatedAt: T('2026-03-01T11:00:00Z') })]);
    expect(rows(env.db)).toEqual([{ id: 'Q1', service: 'health/booking', severity: 'sev1', resolvedAt: T('2026-03-01T11:00:00Z') }]);
  });
});
