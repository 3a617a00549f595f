/**
 * JUnit XML test reports → totals, safely. JUnit has no single standard; this reads what the
 * common generators write (Maven Surefire, pytest `--junitxml`, jest-junit, go-junit-report,
 * GitLab's reports): a `<testsuites>` or bare `<testsuite>` root, suites nested in suites, and
 * `<testcase>` elements whose `<failure>` or `<error>` makes them failed and `<skipped>` skipped.
 *
 * Security: a DOCTYPE or ENTITY declaration is refused outright (no JUnit generator writes one,
 * and they are how billion-laughs and external-entity attacks start); entities are never
 * expanded; nesting is bounded; the caller bounds the size.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Why a report was refused; `code` goes into the API's error. */
export class ReportError extends Error {
  constructor(
    readonly code: 'forbidden_dtd' | 'malformed_xml' | 'not_junit',
    message: string,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}

/** What a report says: test counts (failures and errors together), duration and start. */
export interface JUnitTotals {
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Seconds, from the root's `time`, or the sum of the top-level suites'; null when none says. */
  time: number | null;
  /** Epoch ms of the earliest `timestamp` (read as UTC when it has no zone); null when none. */
  startedAt: number | null;
}

const MAX_DEPTH = 64;

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (Array.isArray(v) ? v.filter((x): x is Node => typeof x === 'object' && x !== null) : []);
const num = (v: unknown): number | null => {
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v.replace(/,/g, ''));
  return Number.isFinite(n) && n >= 0 ? n : null;
};
const has = (v: unknown) => Array.isArray(v) && v.length > 0;

/** A JUnit timestamp (`2026-03-01T10:00:00`, with or without fraction or zone) as epoch ms. */
export function parseJUnitTimestamp(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return null;
  const t = Date.parse(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`);
  return Number.isNaN(t) ? null : t;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  // Prefixed, so an attribute never collides with a child element (`skipped="1"` and `<skipped/>`).
  attributeNamePrefix: '@',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_DEPTH * 2,
  // Test output can be large and is not read: keep it as raw text.
  stopNodes: ['*.system-out', '*.system-err', '*.properties'],
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function countSuite(suite: Node, depth: number): Counts {
  if (depth > MAX_DEPTH)
    throw new ReportError('not_junit', `Test suites are nested more than ${MAX_DEPTH} deep; no generator writes that.`);
  const c: Counts = { passed: 0, failed: 0, skipped: 0 };
  const cases = list(suite.testcase);
  const children = list(suite.testsuite);
  for (const tc of cases) {
    if (has(tc.failure) || has(tc.error)) c.failed++;
    else if (has(tc.skipped)) c.skipped++;
    else c.passed++;
  }
  for (const child of children) {
    const k = countSuite(child, depth + 1);
    c.passed += k.passed;
    c.failed += k.failed;
    c.skipped += k.skipped;
  }
  if (cases.length === 0 && children.length === 0) {
    // A summary without its cases: trust its attributes.
    const tests = num(suite['@tests']) ?? 0;
    c.failed = (num(suite['@failures']) ?? 0) + (num(suite['@errors']) ?? 0);
    c.skipped = num(suite['@skipped']) ?? num(suite['@disabled']) ?? 0;
    c.passed = Math.max(0, tests - c.failed - c.skipped);
  }
  return c;
}

/** Reads a JUnit XML report; throws {@link ReportError} with a message that says what to fix. */
export function parseJUnit(xml: string): JUnitTotals {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new ReportError(
      'forbidden_dtd',
      'The report declares a DOCTYPE or ENTITY; Deming refuses them because they enable entity-expansion and external-entity attacks. JUnit reports never need one: remove it.',
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ReportError(
      'malformed_xml',
      `The report is not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}).`,
    );
  }
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new ReportError('malformed_xml', `The report could not be read as XML: ${(e as Error).message}.`);
  }
  const roots = doc.testsuites !== undefined ? list([doc.testsuites === '' ? {} : doc.testsuites]) : list(doc.testsuite);
  if (roots.length !== 1) {
    throw new ReportError(
      'not_junit',
      'The XML root must be <testsuites> or <testsuite> (a JUnit report); check the file your test runner wrote.',
    );
  }
  const root = roots[0];
  const isWrapper = doc.testsuites !== undefined;
  const counts = countSuite(root, 0);
  const topSuites = isWrapper ? list(root.testsuite) : [root];
  const suiteTimes = topSuites.map((s) => num(s['@time'])).filter((t): t is number => t !== null);
  const stamps = [root, ...topSuites].map((s) => parseJUnitTimestamp(s['@timestamp'])).filter((t): t is number => t !== null);
  return {
    tests: counts.passed + counts.failed + counts.skipped,
    ...counts,
    time: num(root['@time']) ?? (suiteTimes.length > 0 ? suiteTimes.reduce((a, b) => a + b, 0) : null),
    startedAt: stamps.length > 0 ? Math.min(...stamps) : null,
  };
}
