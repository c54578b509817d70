import { readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CollectedSample } from '../../../protocol/batch.ts';
import type { Logger } from '../../../protocol/log.ts';
import type { MetricMetadata } from '../../../protocol/metadata.ts';
import { YamlReader } from '../../config/yaml-reader.ts';
import { schedule, stableOffset, type Scheduled } from '../schedule.ts';
import { SCRAPE_ACCEPT_HEADER } from './expfmt.ts';
import { httpFetcher, type Fetcher } from './fetch.ts';
import { readTargetGroup, type ScrapeConfig, type TargetGroup } from './scrape-config.ts';
import { createScrapeLoop, type ScrapeLoop } from './scrape-loop.ts';
import { buildTargets } from './targets.ts';

export interface ScrapeManagerDeps {
  /** Where every scrape's samples and metadata go (the agent's batcher). */
  readonly sink: (samples: CollectedSample[], metadata?: readonly MetricMetadata[]) => void;
  readonly log: Logger;
  readonly now?: () => number;
  /** Replaces HTTP for tests. */
  readonly fetcherFor?: (cfg: ScrapeConfig) => Fetcher;
  readonly userAgent?: string;
}

export interface ScrapeManager {
  /** Applies a (new) set of scrape configs: unchanged targets keep running, removed ones get staleness markers. */
  apply(configs: readonly ScrapeConfig[]): void;
  /** The targets being scraped now, for logs and tests. */
  active(): string[];
  stop(): void;
}

interface Running {
  readonly loop: ScrapeLoop;
  readonly timer: Scheduled;
  readonly config: string;
}

export function createScrapeManager(deps: ScrapeManagerDeps): ScrapeManager {
  const now = deps.now ?? Date.now;
  const running = new Map<string, Running>();
  const watchers = new Map<string, FSWatcher>();
  const refreshTimers: NodeJS.Timeout[] = [];
  let current: readonly ScrapeConfig[] = [];

  function discover(cfg: ScrapeConfig): TargetGroup[] {
    const groups = [...cfg.staticConfigs];
    for (const sd of cfg.fileSdConfigs) {
      for (const file of sd.files.flatMap(expandGlob)) {
        try {
          groups.push(...readSdFile(file));
        } catch (err) {
          // Prometheus keeps the last good targets of a broken file; we keep none of it and say so.
          deps.log.error(`file_sd ${file} for job ${cfg.jobName}: ${(err as Error).message}`);
        }
      }
    }
    return groups;
  }

  function sync() {
    const wanted = new Map<string, { cfg: ScrapeConfig; target: ReturnType<typeof buildTargets>['targets'][number] }>();
    for (const cfg of current) {
      const { targets, dropped } = buildTargets(cfg, discover(cfg));
      for (const d of dropped) if (d.reason !== 'dropped by relabel_configs') deps.log.warn(`job ${cfg.jobName}: target ${d.address} skipped: ${d.reason}`);
      for (const target of targets) wanted.set(target.key, { cfg, target });
    }
    const t = now();
    for (const [key, r] of running) {
      const w = wanted.get(key);
      if (w && configKey(w.cfg) === r.config) continue;
      r.timer.stop();
      running.delete(key);
      deps.sink(r.loop.staleAll(t));
    }
    for (const [key, { cfg, target }] of wanted) {
      if (running.has(key)) continue;
      let fetcher: Fetcher;
      try {
        fetcher = deps.fetcherFor?.(cfg) ?? httpFetcher(cfg, { accept: SCRAPE_ACCEPT_HEADER, userAgent: deps.userAgent ?? 'Outpost' });
      } catch (err) {
        deps.log.error(`job ${cfg.jobName}: cannot scrape ${target.url}: ${(err as Error).message}`);
        continue;
      }
      const loop = createScrapeLoop(target, cfg, fetcher, now);
      let lastError: string | undefined;
      const cadence = cfg.cron ? { kind: 'cron' as const, expression: cfg.cron } : { kind: 'interval' as const, intervalMs: target.intervalMs, offsetMs: stableOffset(key, target.intervalMs) };
      const timer = schedule(cadence, async (at) => {
        const outcome = await loop.scrape(at);
        // A scrape still under way when its target went away (or the agent stopped) is dropped: its series have
        // their staleness markers already.
        if (running.get(key)?.loop !== loop) return;
        deps.sink(outcome.samples, outcome.metadata);
        // One line when a target starts failing or recovers, not one per scrape.
        if (outcome.error !== lastError) {
          if (outcome.error) deps.log.warn(`job ${cfg.jobName}: scrape of ${target.url} failed: ${outcome.error}`);
          else if (lastError) deps.log.info(`job ${cfg.jobName}: scrape of ${target.url} works again`);
          lastError = outcome.error;
        }
      }, now);
      running.set(key, { loop, timer, config: configKey(cfg) });
    }
  }

  function watchFiles() {
    for (const w of watchers.values()) w.close();
    watchers.clear();
    refreshTimers.splice(0).forEach(clearInterval);
    for (const cfg of current) {
      for (const sd of cfg.fileSdConfigs) {
        const timer = setInterval(sync, sd.refreshIntervalMs);
        timer.unref();
        refreshTimers.push(timer);
        for (const file of sd.files) {
          // Watch the directory: editors replace files by rename, which a file watch would miss.
          const dir = dirname(resolve(file));
          if (watchers.has(dir)) continue;
          try {
            watchers.set(dir, watch(dir, () => sync()));
          } catch (err) {
            deps.log.warn(`cannot watch ${dir} for file_sd changes (re-read every ${sd.refreshIntervalMs / 1000} s instead): ${(err as Error).message}`);
          }
        }
      }
    }
  }

  return {
    apply(configs) {
      current = configs;
      watchFiles();
      sync();
    },
    active: () => [...running.values()].map((r) => r.loop.target.url).sort(),
    stop() {
      for (const w of watchers.values()) w.close();
      refreshTimers.forEach(clearInterval);
      for (const r of running.values()) r.timer.stop();
      running.clear();
    },
  };
}

/** Prometheus allows `*` and `?` in the last path segment of a file_sd path. */
function expandGlob(path: string): string[] {
  const name = basename(path);
  if (!/[*?]/.test(name)) return [path];
  const re = new RegExp(`^${name.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return readdirSync(dirname(path)).filter((f) => re.test(f)).sort().map((f) => join(dirname(path), f));
  } catch {
    return [];
  }
}

/** A file_sd file: a JSON or YAML list of `{targets, labels}` groups. */
function readSdFile(file: string): TargetGroup[] {
  const text = readFileSync(file, 'utf8');
  const r = YamlReader.parse(file, text); // YAML is a superset of JSON: one reader for both
  return r.list(r.root, '').map((node, i) => readTargetGroup(r, node, `[${i}]`, file));
}

function configKey(cfg: ScrapeConfig): string {
  return JSON.stringify(cfg, (_k, v: unknown) => (v instanceof RegExp ? v.source : v));
}
