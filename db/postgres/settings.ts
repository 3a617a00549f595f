/** What selects and reaches PostgreSQL, as the configuration gives it (no driver here: server/config.ts reads it). */

export const DEFAULT_POOL_SIZE = 10;
export const MAX_POOL_SIZE = 1000;

export interface PostgresSettings {
  /** `postgres://user:password@host:port/database?sslmode=verify-full` */
  url: string;
  /** Connections in the pool (1–{@link MAX_POOL_SIZE}). */
  poolSize?: number;
  /** A PEM file of the certificate authorities the server's certificate must chain to. */
  caFile?: string;
  /** How often an instance that does not run the collectors tries to take their lock (default {@link DEFAULT_COLLECTOR_RETRY_MS}). */
  collectorRetryMs?: number;
}

export const DEFAULT_COLLECTOR_RETRY_MS = 15_000;

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The example the messages give. */
export const POSTGRES_URL_EXAMPLE = 'postgres://deming:…@db.example.gov:5432/deming?sslmode=verify-full';
