/**
 * No figure without evidence (DESIGN.md, "Evidence"): from when each service reports incidents
 * and rework, and the minimum evidence a band needs.
 */
import type { Band, BandReason } from '../../common/api';
import { teamResolver } from '../../common/org';

const DAY_MS = 86_400_000;

/** `evidence.incidents` of the configuration: the services (a name or a pattern with `*`) whose incidents are tracked since a date. */
export interface EvidenceEntry {
  services: string;
  since: number;
}
export interface EvidenceSettings {
  incidents: EvidenceEntry[];
}

/** When a service reports incidents and rework (epoch ms; Infinity: never). */
export interface EvidenceStart {
  incidents: number;
  rework: number;
}

/** The least evidence a band needs (DESIGN.md): changes, deployments, incidents, days of window. */
export const BAND_MINIMUM = { changes: 10, deployments: 10, incidents: 5, days: 28 } as const;

/** A service's evidence start from what its data says and what the configuration says (null: nothing). */
export function evidenceStart(
  data: { incidentsFrom: number | null; reworkFrom: number | null },
  configured: number | undefined,
): EvidenceStart {
  const incidents = Math.min(data.incidentsFrom ?? Infinity, configured ?? Infinity);
  return { incidents, rework: Math.min(incidents, data.reworkFrom ?? Infinity) };
}

/** Whether a pattern of `evidence.incidents` names a service, matched as the organisation matches them. */
export function evidenceMatcher(pattern: string): (service: string) => boolean {
  const resolve = teamResolver([{ id: 'evidence', name: 'evidence', teams: [{ id: 'evidence', name: 'evidence', services: [pattern] }] }]);
  return (service) => resolve(service) !== null;
}

/** The configured start of each of the services that an `evidence.incidents` entry names (the earliest, where several do). */
export function configuredStarts(
  services: readonly { id: number; name: string }[],
  settings: EvidenceSettings | undefined,
): Map<number, number> {
  const out = new Map<number, number>();
  if (!settings || settings.incidents.length === 0) return out;
  const entries = settings.incidents.map((e) => ({ matches: evidenceMatcher(e.services), since: e.since }));
  for (const s of services) {
    for (const e of entries) if (e.matches(s.name)) out.set(s.id, Math.min(out.get(s.id) ?? Infinity, e.since));
  }
  return out;
}

/** A band, or none with `"too few"` where the figure rests on less than the band needs. */
export function bandWithEvidence(band: Band | null, enough: boolean): { band: Band | null; bandReason: BandReason } {
  if (band === null) return { band: null, bandReason: null };
  return enough ? { band, bandReason: null } : { band: null, bandReason: 'too few' };
}

/** Whether a window is long enough to band deployment frequency. */
export const longEnough = (from: number, to: number) => to - from >= BAND_MINIMUM.days * DAY_MS;
