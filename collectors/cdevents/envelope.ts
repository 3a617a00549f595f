/**
 * How CDEvents arrive over HTTP, turned into plain CDEvent objects (`{context, subject,
 * customData}`) each with a way to name its fields in errors:
 * - a CDEvent, or an array of them (`application/json`);
 * - a CloudEvent in structured mode (`application/cloudevents+json`) or a batch of them
 *   (`application/cloudevents-batch+json`), whose `data` is the whole CDEvent or its
 *   `subject` and `customData`;
 * - a CloudEvent in binary mode: `ce-*` headers, and the body is the CDEvent's data.
 */
import { FieldError } from './errors';

/** One event to validate, and how to name its fields for the sender. */
export interface CdItem {
  raw: unknown;
  /** Where it was in the request: `(body)`, `[2]` or `ce-* headers`. */
  at: string;
  /** Turns a path inside the CDEvent (`context.type`) into what the sender wrote (`[2].type`, `ce-type`). */
  name: (path: string) => string;
}

/** Request headers as Node gives them (lower-case names). */
export type Headers = Record<string, string | string[] | undefined>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const header = (h: Headers, k: string) => {
  const v = h[k];
  return Array.isArray(v) ? v[0] : v;
};

/** CloudEvents attribute ← CDEvents context field. */
const attributeOf: Record<string, string> = {
  id: 'id',
  source: 'source',
  type: 'type',
  timestamp: 'time',
  version: 'specversion',
  specversion: 'specversion',
};

/** The CDEvents spec version of an event that does not say it: from its type's version (0.2.x is 0.4, 0.3.x and later 0.5). */
export function specOfType(type: unknown): string | undefined {
  const m = typeof type === 'string' ? /\.(\d+)\.(\d+)\.(\d+)(?:-[\w.]+)?$/.exec(type) : null;
  if (!m || m[1] !== '0') return undefined;
  return Number(m[2]) <= 2 ? '0.4.1' : '0.5.1';
}

/** A CDEvent built from CloudEvent attributes and a `{subject, customData}` data object. */
function fromAttributes(attrs: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> {
  const given = typeof attrs.specversion === 'string' && /^0\.[45]\./.test(attrs.specversion) ? attrs.specversion : undefined;
  const spec = given ?? specOfType(attrs.type) ?? '0.5.1';
  return {
    context: {
      [spec.startsWith('0.4') ? 'version' : 'specversion']: spec,
      id: attrs.id,
      source: attrs.source,
      type: attrs.type,
      timestamp: attrs.time,
    },
    subject: data.subject,
    customData: data.customData,
    customDataContentType: data.customDataContentType,
  };
}

const rename = (prefix: string, fromEnvelope: boolean) => (path: string) => {
  const m = /^context\.(\w+)(.*)$/.exec(path);
  if (fromEnvelope && m && attributeOf[m[1]]) return `${prefix}${attributeOf[m[1]]}${m[2]}`;
  return `${prefix}${fromEnvelope ? 'data.' : ''}${path}`;
};

/** One element of a JSON body: a CDEvent, or a CloudEvent carrying one. */
function fromJson(value: unknown, prefix: string): CdItem {
  const where = prefix ? prefix.replace(/\.$/, '') : '(body)';
  if (!isObject(value)) throw new FieldError(where, 'expected a CDEvent object with "context" and "subject"');
  if ('context' in value) return { raw: value, at: where, name: (p) => `${prefix}${p}` };
  if (typeof value.specversion !== 'string') {
    throw new FieldError(
      `${prefix}context`,
      'is required: send a CDEvent ({"context": …, "subject": …}) or a CloudEvent whose data is one',
    );
  }
  const data = value.data;
  if (!isObject(data)) throw new FieldError(`${prefix}data`, 'expected the CDEvent (or its subject and customData) as a JSON object');
  if ('context' in data) return { raw: data, at: where, name: (p) => `${prefix}data.${p}` };
  return { raw: fromAttributes(value, data), at: where, name: rename(prefix, true) };
}

/** Every CDEvent in a request, in order; throws {@link FieldError} when the envelope itself is wrong. */
export function unwrapCdEvents(body: unknown, headers: Headers, mediaType: 'json' | 'cloudevent' | 'batch'): CdItem[] {
  const binary = header(headers, 'ce-specversion') !== undefined && mediaType === 'json';
  if (binary) {
    if (!isObject(body))
      throw new FieldError(
        '(body)',
        'in binary mode the body is the CDEvent\'s data: a JSON object with "subject" (and optional "customData")',
      );
    if ('context' in body) return [{ raw: body, at: '(body)', name: (p) => p }];
    const attrs = Object.fromEntries(['specversion', 'id', 'source', 'type', 'time'].map((k) => [k, header(headers, `ce-${k}`)]));
    return [{ raw: fromAttributes(attrs, body), at: 'ce-* headers', name: (p) => rename('ce-', true)(p).replace(/^ce-data\./, '') }];
  }
  if (mediaType === 'batch' && !Array.isArray(body)) throw new FieldError('(body)', 'a CloudEvents batch is a JSON array of CloudEvents');
  if (mediaType === 'cloudevent' && !isObject(body))
    throw new FieldError('(body)', 'a structured CloudEvent is one JSON object; send an array as application/cloudevents-batch+json');
  if (Array.isArray(body)) {
    if (body.length === 0) throw new FieldError('(body)', 'the array is empty: send at least one CDEvent');
    return body.map((v, i) => fromJson(v, `[${i}].`));
  }
  return [fromJson(body, '')];
}
