import { Hono } from 'hono';
import { hostname } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { BuildInfo } from '../build-info.ts';
import type { AggregatorConfig } from '../config.ts';
import { formatBase2Bytes } from '../byte-size.ts';
import { configFlags, configYaml } from '../config-view.ts';
import { formatDurationMs } from '../../promql/duration.ts';
import { success } from './respond.ts';

/** What the status pages describe: the running aggregator's settings, its start and its build. */
export interface StatusSources {
  readonly config: AggregatorConfig;
  readonly startedAtMs: number;
  readonly build: BuildInfo;
}

/** Go's time.Time in JSON (RFC 3339 with the fraction's trailing zeros dropped), from ms. */
export function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** As Prometheus writes its retention: the time, the size, or both joined by " or "; empty for neither. */
function storageRetention(c: AggregatorConfig): string {
  const parts: string[] = [];
  if (c.storageRetentionMs > 0) parts.push(formatDurationMs(c.storageRetentionMs));
  if (c.storageRetentionBytes > 0) parts.push(formatBase2Bytes(c.storageRetentionBytes));
  return parts.join(' or ');
}

/**
 * Prometheus' runtimeinfo fields, in its order, filled with what Node.js has in their place. Outpost's settings
 * are read once at start and never reloaded, and its WAL lives in LMDB, whose atomic commits leave no torn record to
 * repair (corruptionCount).
 */
function runtimeInfo(s: StatusSources, nowMs: number) {
  return {
    startTime: goTime(s.startedAtMs),
    CWD: process.cwd(),
    hostname: hostname(),
    serverTime: goTime(nowMs),
    reloadConfigSuccess: true,
    // Whole seconds, as Prometheus reads it back from a gauge of seconds.
    lastConfigTime: goTime(Math.floor(s.startedAtMs / 1000) * 1000),
    corruptionCount: 0,
    // Node's pending async resources (sockets, timers, requests) are the closest thing to goroutines.
    goroutineCount: process.getActiveResourcesInfo().length,
    // JavaScript runs on one thread, whatever the core count.
    GOMAXPROCS: 1,
    // V8's heap limit is the memory ceiling the runtime enforces, as GOMEMLIMIT is Go's.
    GOMEMLIMIT: getHeapStatistics().heap_size_limit,
    // V8 has no GC target percentage; NODE_OPTIONS is where Node's runtime knobs are set, as GODEBUG is Go's.
    GOGC: '',
    GODEBUG: process.env.NODE_OPTIONS ?? '',
    storageRetention: storageRetention(s.config),
  };
}

/** /api/v1/status/buildinfo, runtimeinfo, flags and config. */
export function statusRoutes(sources: StatusSources, now: () => number): Hono {
  const app = new Hono();
  app.get('/api/v1/status/buildinfo', (c) => success(c, sources.build));
  app.get('/api/v1/status/runtimeinfo', (c) => success(c, runtimeInfo(sources, now())));
  app.get('/api/v1/status/flags', (c) => {
    // Go writes a map's keys sorted.
    const flags = configFlags(sources.config);
    return success(c, Object.fromEntries(Object.keys(flags).sort().map((k) => [k, flags[k]])));
  });
  app.get('/api/v1/status/config', (c) => success(c, { yaml: configYaml(sources.config) }));
  return app;
}
