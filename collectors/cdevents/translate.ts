/**
 * A request's CDEvents → native events: each is checked against Deming's schema for its kind
 * and spec line, then mapped. Types Deming does not map are ignored, never refused; a batch
 * with any invalid event is refused as a whole by the caller.
 */
import type { ZodError } from 'zod';
import type { FieldIssue } from '../../common/validate-events';
import type { NativeEventInput } from '../../common/events';
import type { CdItem } from './envelope';
import { mapCdEvent, mergeIncident, type CdEvent, type MapOptions } from './map';
import { demingCustomData, eventSchema, mappedKinds, type MappedKind, type SpecLine } from './schemas';

type IncidentEvent = Extract<NativeEventInput, { type: 'incident' }>;

/** The mapping options, and how to find an incident stored before. */
export interface TranslateOptions extends MapOptions {
  /** The incident stored under this id before, so `resolved` updates the one `detected` opened (read from the store). */
  previousIncident: (id: string) => Promise<IncidentEvent | undefined>;
}

/** What a request's CDEvents became: native events, ignored events with their reason, and problems. */
export interface Translation {
  events: { event: NativeEventInput; at: string }[];
  ignored: { at: string; type: string; reason: string }[];
  issues: FieldIssue[];
}

const MAX_ISSUES = 50;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typePattern = /^dev\.cdevents\.([a-z]+)\.([a-z]+)\.\d+\.\d+\.\d+(?:-[\w.]+)?$/i;

function zodIssues(error: ZodError, name: (path: string) => string, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => {
    const path =
      prefix + i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n === 0 && !prefix ? '' : '.'}${String(p)}`)).join('');
    return { path: name(path || '(event)'), message: i.message };
  });
}

/** The spec line of a context, or an issue naming the field. */
function lineOf(context: Record<string, unknown>): SpecLine | FieldIssue {
  const version = context.specversion ?? context.version;
  const field = context.specversion !== undefined ? 'context.specversion' : 'context.version';
  if (typeof version !== 'string')
    return {
      path: 'context.specversion',
      message: 'is required: the CDEvents version, such as "0.5.1" (0.4 events name it context.version)',
    };
  if (/^0\.4\./.test(version)) return '0.4';
  if (/^0\.5\./.test(version)) return '0.5';
  return { path: field, message: `Deming reads CDEvents 0.4 and 0.5, not "${version.slice(0, 20)}"` };
}

/** base64 `customData` is read when its content type says JSON; other content is not Deming's. */
function customDataOf(raw: Record<string, unknown>): { value: unknown } | { error: string } {
  const c = raw.customData;
  if (typeof c !== 'string') return { value: c ?? {} };
  if (!/json/i.test(String(raw.customDataContentType ?? ''))) return { value: {} };
  try {
    return { value: JSON.parse(Buffer.from(c, 'base64').toString('utf8')) };
  } catch {
    return { error: 'expected base64-encoded JSON, as customDataContentType says' };
  }
}

/** Validates and maps every item; the caller refuses the batch when `issues` is not empty. */
export async function translateCdEvents(items: CdItem[], opts: TranslateOptions): Promise<Translation> {
  const out: Translation = { events: [], ignored: [], issues: [] };
  const incidents = new Map<string, IncidentEvent>();
  const issue = (...found: FieldIssue[]) => out.issues.push(...found.slice(0, MAX_ISSUES - out.issues.length));

  for (const item of items) {
    if (out.issues.length >= MAX_ISSUES) break;
    const raw = item.raw;
    if (!isObject(raw) || !isObject(raw.context)) {
      issue({ path: item.name('context'), message: 'is required: an object with specversion, id, source, type and timestamp' });
      continue;
    }
    const type = raw.context.type;
    if (typeof type !== 'string' || type === '') {
      issue({ path: item.name('context.type'), message: 'is required: the CDEvents type, such as dev.cdevents.service.deployed.0.3.0' });
      continue;
    }
    const m = typePattern.exec(type);
    if (!m) {
      out.ignored.push({
        at: item.at,
        type: type.slice(0, 200),
        reason: 'not a CDEvents type (dev.cdevents.<subject>.<predicate>.<version>)',
      });
      continue;
    }
    const kind = `${m[1].toLowerCase()}.${m[2].toLowerCase()}`;
    if (!(mappedKinds as readonly string[]).includes(kind)) {
      out.ignored.push({ at: item.at, type, reason: `Deming does not map ${kind} events` });
      continue;
    }
    const line = lineOf(raw.context);
    if (typeof line !== 'string') {
      issue({ path: item.name(line.path), message: line.message });
      continue;
    }

    const parsed = eventSchema(kind as MappedKind, line).safeParse(raw);
    const custom = customDataOf(raw);
    const customParsed = 'value' in custom ? demingCustomData.safeParse(custom.value) : null;
    if (!parsed.success) issue(...zodIssues(parsed.error, item.name));
    if ('error' in custom) issue({ path: item.name('customData'), message: custom.error });
    if (customParsed && !customParsed.success) issue(...zodIssues(customParsed.error, item.name, 'customData'));
    if (!parsed.success || !customParsed?.success) continue;

    const event: CdEvent = {
      line,
      kind: kind as MappedKind,
      context: parsed.data.context,
      subject: parsed.data.subject,
      custom: customParsed.data,
    };
    const mapped = mapCdEvent(event, opts);
    if ('ignored' in mapped) {
      out.ignored.push({ at: item.at, type, reason: mapped.ignored });
      continue;
    }
    if ('event' in mapped) {
      out.events.push({ event: mapped.event, at: item.at });
      continue;
    }
    const key = mapped.incident.id;
    const merged = mergeIncident(incidents.get(key) ?? (await opts.previousIncident(key)), mapped.incident);
    if (!merged) {
      out.ignored.push({
        at: item.at,
        type,
        reason: `incident "${key.slice(0, 100)}" was resolved but Deming never saw it open: send its incident.detected first, or customData.openedAt`,
      });
      continue;
    }
    incidents.set(key, merged);
    out.events.push({ event: merged, at: item.at });
  }
  return out;
}
