/**
 * Issue 20: the approval wait as its own segment of a change's time. Change requests reach a real
 * server as the README's ServiceNow business rule on change_request sends them (the exact JSON),
 * deployments name them, and the changes list (JSON and CSV) cuts each change's act stage into
 * the approval wait and the rest, hand-worked below; null with the reason where it cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, post, startTestServer } from '../helpers/server';
import { csvObjects, parseCsv } from '../helpers/csv';
import {
  APPROVAL_SERVICE as service,
  approvalChangeRequests,
  approvalConfigYaml,
  approvalEvents,
  changeRequestRecord as record,
  scenarioTime,
} from '../helpers/approval-scenario';

const SECRET = 'approval-board-secret-0123456789';
const HOUR = 3600;
let s: Awaited<ReturnType<typeof startTestServer>>;
let dir = '';

/**
 * The hand-worked month (UTC; test/helpers/approval-scenario.ts). Each pull request #n has one commit, merged and shipped by one
 * deployment dn; CI on the merge commit where a time is given. act = check done → deployed;
 * approval = max(raised, check done) → max(approved, check done); release = act − approval.
 *
 * | PR | first commit | merged | CI green | change request: raised → approved | deployed | act | approval | release |
 * | 1 | 03-02 09:00 (planned 03-01 09:00) | 03-02 15:00 | 15:30 | CHG1 03-02 12:00 → 03-04 10:00 | 03-04 16:00 | 48.5 h | 42.5 h (from check done) | 6 h |
 * | 2 | 03-05 09:00 | 03-05 11:00 | no CI | CHG2 03-05 14:00 → 03-06 09:00 | 03-06 12:00 | 25 h | 19 h | 6 h (3 before raising, 3 after approval) |
 * | 3 | 03-08 09:00 | 03-09 09:00 | 10:00 | CHG3 03-08 08:00 → 03-08 10:00 | 03-09 12:00 | 2 h | 0 (approved before check) | 2 h |
 * | 4 | 03-10 08:00 | 03-10 09:00 | no CI | CHG4 03-10 09:00 → 03-11 09:00 | 03-10 12:00 | 3 h | null: approved after deployment | null |
 * | 5 | 03-12 08:00 | 03-12 09:00 | no CI | CHG5, never told | 03-12 12:00 | 3 h | null: change request not read | null |
 * | 6 | 03-13 08:00 | 03-13 09:00 | no CI | CHG6 03-13 09:00, approval requested | 03-13 12:00 | 3 h | null: not approved | null |
 * | 7 | 03-14 08:00 | 03-14 09:00 | no CI | CHG7 approved 03-14 08:00, raised 03-14 10:00 | 03-14 12:00 | 3 h | null: out of order | null |
 * | 8 | 03-15 08:00 | 03-15 09:00 | no CI | CHG8 approved, no approval_set | 03-15 12:00 | 3 h | null: times missing | null |
 * | 9 | 03-16 08:00 | 03-16 09:00 | failed | CHG9 03-16 09:00 → 10:00 | 03-16 12:00 | null | null: act unknown | null |
 * | 10 | 03-17 08:00 | 03-17 09:00 | no CI | none | 03-17 12:00 | 3 h | null: no change request | null |
 */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deming-approval-'));
  const file = join(dir, 'deming.config.yaml');
  writeFileSync(file, approvalConfigYaml(SECRET));
  s = await startTestServer({ DEMING_CONFIG: file, SERVICENOW_PASSWORD: 'unused-here' }, () => Date.parse('2026-03-25T00:00:00Z'));
  for (const r of approvalChangeRequests()) {
    // The exact bytes the recipe's r.setRequestBody(JSON.stringify({ table: 'change_request', record: record })) sends.
    const body = JSON.stringify({ table: 'change_request', record: r });
    const res = await post(`${s.url}/webhooks/servicenow`, body, { 'X-Deming-Secret': SECRET });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ changeRequest: r.number, stored: true });
  }
  const events = approvalEvents();
  const r = await post(`${s.url}/api/v1/events`, events);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
});
afterAll(async () => {
  await s?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const window = `scope=service:${service}&from=2026-03-01&to=2026-03-20&sort=oldest&limit=50`;
const expected: [n: number, act: number | null, approval: number | null, release: number | null, reason: string | null][] = [
  [1, 48.5 * HOUR, 42.5 * HOUR, 6 * HOUR, null],
  [2, 25 * HOUR, 19 * HOUR, 6 * HOUR, null],
  [3, 2 * HOUR, 0, 2 * HOUR, null],
  [4, 3 * HOUR, null, null, 'approved after deployment'],
  [5, 3 * HOUR, null, null, 'change request not read'],
  [6, 3 * HOUR, null, null, 'not approved'],
  [7, 3 * HOUR, null, null, 'out of order'],
  [8, 3 * HOUR, null, null, 'times missing'],
  [9, null, null, null, 'act unknown'],
  [10, 3 * HOUR, null, null, 'no change request'],
];

describe('the approval wait in a change’s stages', () => {
  it('cuts the approval wait out of act, as worked by hand, and says why where it cannot', async () => {
    const r = await get(`${s.url}/api/v1/changes?${window}`);
    expect(r.status).toBe(200);
    const got = r.body.items.map((c: any) => [
      c.pullRequest.number,
      c.stages.act,
      c.stages.approval,
      c.stages.release,
      c.stages.approvalReason,
    ]);
    expect(got).toEqual(expected);
    const first = r.body.items[0];
    expect(first).toMatchObject({ changeRequest: 'CHG1', stages: { plan: 24 * HOUR, do: 6 * HOUR, check: 0.5 * HOUR } });
    // Nothing counted twice: the segments add up to the change's whole loop.
    const s1 = first.stages;
    expect(s1.plan + s1.do + s1.check + s1.approval + s1.release).toBe(
      (Date.parse(scenarioTime('03-04T16:00')) - Date.parse(scenarioTime('03-01T09:00'))) / 1000,
    );
    expect(r.body.items.find((c: any) => c.pullRequest.number === 10).changeRequest).toBeNull();
  });

  it('gives the same segments in the CSV, and by pull request', async () => {
    const csv = await get(`${s.url}/api/v1/changes?${window}&format=csv`);
    const rows = csvObjects(parseCsv(csv.text));
    const cell = (v: number | null) => (v === null ? '' : String(v));
    expect(
      rows.map((x) => [x['pullRequest.number'], x['stages.act'], x['stages.approval'], x['stages.release'], x['stages.approvalReason']]),
    ).toEqual(expected.map(([n, act, approval, release, reason]) => [String(n), cell(act), cell(approval), cell(release), reason ?? '']));
    expect(rows[0].changeRequest).toBe('CHG1');
    const byPr = await get(`${s.url}/api/v1/changes?${window}&groupBy=pullRequest`);
    expect(
      byPr.body.items.map((c: any) => [c.pullRequest.number, c.stages.act, c.stages.approval, c.stages.release, c.stages.approvalReason]),
    ).toEqual(expected);
  });

  it('moves with a newer state of the change request, and an older one changes nothing', async () => {
    // CHG3 re-approved later (a new approval round): its wait now starts at check done (03-09 10:00) and ends 11:00.
    const newer = record('CHG3', 'approved', '03-08T08:00', '03-09T11:00', 0, '3', '03-21T08:00');
    expect(
      (
        await post(`${s.url}/webhooks/servicenow`, JSON.stringify({ table: 'change_request', record: newer }), {
          'X-Deming-Secret': SECRET,
        })
      ).status,
    ).toBe(200);
    const older = record('CHG3', 'requested', '03-08T08:00', '', 0, '1', '03-08T08:00');
    expect(
      (
        await post(`${s.url}/webhooks/servicenow`, JSON.stringify({ table: 'change_request', record: older }), {
          'X-Deming-Secret': SECRET,
        })
      ).status,
    ).toBe(200);
    const r = await get(`${s.url}/api/v1/changes?${window}`);
    expect(r.body.items.find((c: any) => c.pullRequest.number === 3).stages).toMatchObject({
      act: 2 * HOUR,
      approval: HOUR,
      release: HOUR,
      approvalReason: null,
    });
  });
});
