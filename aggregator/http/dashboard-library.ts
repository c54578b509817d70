import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../protocol/log.ts';
import { DashboardError, parseDashboard, type Dashboard } from './dashboard-definition.ts';

/** What /api/dashboards lists: enough to build a menu without loading every panel. */
export interface DashboardSummary {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly panels: number;
  readonly variables: readonly string[];
}

export interface DashboardLibrary {
  list(): DashboardSummary[];
  get(id: string): Dashboard | undefined;
  close(): void;
}

export interface DashboardLibraryOptions {
  readonly log: Logger;
  /** Re-read a file when it changes (default true). */
  readonly watch?: boolean;
}

// Bounded: every dashboard is held in memory and listed in every browser's menu.
const MAX_FILE_BYTES = 1024 * 1024;
const MAX_DASHBOARDS = 200;
/** The id is the file name without .json: it appears in URLs, so it keeps to characters that need no escaping. */
const FILE = /^([a-zA-Z0-9][a-zA-Z0-9_-]{0,63})\.json$/;

/**
 * The dashboards in a directory (*.json; sub-directories such as grafana/ are not read), kept in step with it: a
 * file is re-read when it changes, and a file that no longer parses is logged with its reason while the version
 * loaded before stays served, so a half-saved edit never blanks a dashboard someone is watching.
 */
export function openDashboardLibrary(dir: string, opts: DashboardLibraryOptions): DashboardLibrary {
  const { log } = opts;
  const dashboards = new Map<string, Dashboard>();

  const load = (name: string): void => {
    const id = FILE.exec(name)?.[1];
    if (id === undefined) return;
    const file = join(dir, name);
    const before = dashboards.get(id);
    let text: string;
    try {
      const info = statSync(file);
      if (!info.isFile()) return;
      if (info.size > MAX_FILE_BYTES) throw new DashboardError(file, '', `larger than ${MAX_FILE_BYTES} bytes`);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        if (dashboards.delete(id)) log.info(`dashboard ${id} removed: ${file} is gone`);
        return;
      }
      return refuse(err, before);
    }
    try {
      const dashboard = parseDashboard(text, file);
      if (!before && dashboards.size >= MAX_DASHBOARDS) throw new DashboardError(file, '', `more than ${MAX_DASHBOARDS} dashboards in ${dir}`);
      dashboards.set(id, dashboard);
      if (before) log.info(`dashboard ${id} reloaded from ${file}`);
    } catch (err) {
      refuse(err, before);
    }
  };

  const refuse = (err: unknown, before: Dashboard | undefined): void => {
    if (!(err instanceof DashboardError) && !(err as NodeJS.ErrnoException).code) throw err;
    log.error(`dashboard not ${before ? 'reloaded, the version loaded before stays' : 'loaded'}: ${(err as Error).message}`);
  };

  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    log.warn(`no dashboards: cannot read ${dir} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  for (const name of names) load(name);
  log.info(`${dashboards.size} dashboards from ${dir}`);

  let watcher: FSWatcher | undefined;
  const pending = new Map<string, NodeJS.Timeout>();
  if (opts.watch !== false) {
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name || !FILE.test(name)) return;
        // One save is often several events (truncate, write, rename): read once they settle.
        clearTimeout(pending.get(name));
        pending.set(
          name,
          setTimeout(() => {
            pending.delete(name);
            load(name);
          }, 100),
        );
      });
    } catch {
      // A directory that does not exist cannot be watched; the warning above said so.
    }
  }

  return {
    list: () =>
      [...dashboards.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, d]) => ({
          id,
          title: d.title,
          ...(d.description !== undefined ? { description: d.description } : {}),
          tags: d.tags,
          panels: d.panels.length,
          variables: d.variables.map((v) => v.name),
        })),
    get: (id) => dashboards.get(id),
    close() {
      for (const t of pending.values()) clearTimeout(t);
      watcher?.close();
    },
  };
}
