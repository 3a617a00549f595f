import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJUnit, parseJUnitTimestamp, ReportError } from '../../../collectors/junit/parse';
import { testReportToCiRun } from '../../../collectors/junit/map';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/junit/${name}`, import.meta.url), 'utf8');

describe('parseJUnit', () => {
  it.each([
    // generator, file, passed, failed (failures + errors), skipped, time, startedAt
    ['Maven Surefire (bare <testsuite>, flaky test passed on rerun)', 'surefire.xml', 3, 2, 1, 1.234, null],
    ['pytest --junitxml', 'pytest.xml', 2, 2, 1, 0.456, '2026-03-02T10:15:30.123Z'],
    ['jest-junit (timestamp without a zone: UTC)', 'jest-junit.xml', 2, 1, 1, 2.345, '2026-03-02T10:20:00.000Z'],
    ['go-junit-report (no root time: the suites are summed)', 'go-junit-report.xml', 2, 1, 1, 0.032, '2026-03-02T10:30:00.000Z'],
    ['PHPUnit (suites nested in suites)', 'phpunit-nested.xml', 2, 2, 0, 0.31, null],
  ])('reads %s', (_generator, file, passed, failed, skipped, time, startedAt) => {
    const t = parseJUnit(fixture(file));
    expect({ passed: t.passed, failed: t.failed, skipped: t.skipped, tests: t.tests }).toEqual({
      passed,
      failed,
      skipped,
      tests: passed + failed + skipped,
    });
    if (time === null) expect(t.time).toBeNull();
    else expect(t.time).toBeCloseTo(time, 6);
    expect(t.startedAt === null ? null : new Date(t.startedAt).toISOString()).toBe(startedAt);
  });

  it('trusts the attributes of a suite that lists no test cases', () => {
    const t = parseJUnit('<testsuites><testsuite name="summary" tests="10" failures="2" errors="1" skipped="3" time="4"/></testsuites>');
    expect(t).toMatchObject({ passed: 4, failed: 3, skipped: 3, tests: 10, time: 4 });
  });

  it.each([
    ['a billion-laughs entity expansion', 'billion-laughs.xml', 'forbidden_dtd'],
    ['an external entity (XXE)', 'xxe.xml', 'forbidden_dtd'],
  ])('refuses %s before parsing', (_name, file, code) => {
    expect(() => parseJUnit(fixture(file))).toThrow(expect.objectContaining({ code, message: expect.stringMatching(/DOCTYPE or ENTITY/) }));
  });

  it.each([
    ['unclosed tags', '<testsuite><testcase name="a"></testsuite>', 'malformed_xml', /not well-formed XML: .*line 1/],
    ['not XML at all', '{"tests": 3}', 'malformed_xml', /not well-formed XML/],
    ['another root', '<?xml version="1.0"?><report><test/></report>', 'not_junit', /root must be <testsuites> or <testsuite>/],
    [
      'absurdly deep suites',
      `<testsuites>${'<testsuite>'.repeat(300)}${'</testsuite>'.repeat(300)}</testsuites>`,
      'malformed_xml',
      /could not be read|nested/,
    ],
  ])('refuses %s with a message that says what is wrong', (_name, xml, code, message) => {
    let error: unknown;
    try {
      parseJUnit(xml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ReportError);
    expect((error as ReportError).code).toBe(code);
    expect((error as ReportError).message).toMatch(message);
  });

  it('reads the timestamp forms generators write', () => {
    expect(parseJUnitTimestamp('2026-03-02T10:20:00')).toBe(Date.parse('2026-03-02T10:20:00Z'));
    expect(parseJUnitTimestamp('2026-03-02 10:20:00.5+0200')).toBe(Date.parse('2026-03-02T08:20:00.5Z'));
    expect(parseJUnitTimestamp('yesterday')).toBeNull();
  });
});

describe('testReportToCiRun', () => {
  const totals = { tests: 6, passed: 3, failed: 2, skipped: 1, time: 90, startedAt: Date.parse('2026-03-02T10:00:00Z') };
  const params = { service: 'acme/web', sha: 'abc1234', name: 'unit tests' };

  it('is a failed run when any test failed, lasting the report time from its timestamp', () => {
    expect(testReportToCiRun(totals, params, 0, 'f'.repeat(40))).toEqual({
      type: 'ci_run',
      id: `junit-${'f'.repeat(20)}`,
      source: 'junit',
      service: 'acme/web',
      name: 'unit tests',
      status: 'failure',
      sha: 'abc1234',
      branch: undefined,
      url: undefined,
      startedAt: '2026-03-02T10:00:00.000Z',
      finishedAt: '2026-03-02T10:01:30.000Z',
      tests: { passed: 3, failed: 2, skipped: 1 },
    });
  });

  it('prefers the startedAt parameter, and without any time ends when it was received', () => {
    expect(testReportToCiRun(totals, { ...params, id: 'run-9', startedAt: '2026-03-02T12:00:00+01:00' }, 0, 'x')).toMatchObject({
      id: 'run-9',
      startedAt: '2026-03-02T11:00:00.000Z',
    });
    const received = Date.parse('2026-03-02T12:00:00Z');
    expect(testReportToCiRun({ ...totals, failed: 0, startedAt: null }, params, received, 'x')).toMatchObject({
      status: 'success',
      startedAt: '2026-03-02T11:58:30.000Z',
      finishedAt: '2026-03-02T12:00:00.000Z',
    });
  });
});
