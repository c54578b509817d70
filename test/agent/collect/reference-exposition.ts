import { spawn } from 'node:child_process';
import type { CollectedSample } from '../../../protocol/batch.ts';
import { freePort } from '../../helpers/ports.ts';

// What the node_exporter comparisons share: a minimal exposition reader (deliberately independent of
// agent/collect/scrape/expfmt.ts) and a way to run node_exporter on a loopback port.

export interface Series {
  readonly labels: Record<string, string>;
  readonly v: number;
}

export interface Family {
  type?: string;
  help?: string;
  readonly series: Map<string, Series>;
}

export const seriesKey = (labels: Record<string, string>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));

function familyOf(map: Map<string, Family>, name: string): Family {
  let f = map.get(name);
  if (!f) map.set(name, (f = { series: new Map() }));
  return f;
}

const unescapeHelp = (s: string) => s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Enough of the text format for node_exporter's counters and gauges: HELP, TYPE and labelled samples. */
export function parseExposition(text: string): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const line of text.split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const f = familyOf(out, meta[2] as string);
      if (meta[1] === 'HELP') f.help = unescapeHelp(meta[3] as string);
      else f.type = meta[3];
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const name = (/^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line) as RegExpExecArray)[0];
    let at = name.length;
    const labels: Record<string, string> = {};
    if (line[at] === '{') {
      at += 1;
      for (;;) {
        while (line[at] === ',' || line[at] === ' ') at += 1;
        if (line[at] === '}' || at >= line.length) break;
        const eq = line.indexOf('="', at);
        const label = line.slice(at, eq);
        let value = '';
        for (at = eq + 2; at < line.length && line[at] !== '"'; at += 1) {
          if (line[at] === '\\') {
            at += 1;
            value += line[at] === 'n' ? '\n' : line[at];
          } else value += line[at];
        }
        labels[label] = value;
        at += 1;
      }
      at += 1;
    }
    const raw = line.slice(at).trim().split(/\s+/)[0] as string;
    const v = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    familyOf(out, name).series.set(seriesKey(labels), { labels, v });
  }
  return out;
}

/** Outpost's samples in the same shape. */
export function groupSamples(samples: readonly CollectedSample[]): Map<string, Family> {
  const out = new Map<string, Family>();
  for (const s of samples) {
    const { __name__: name, ...labels } = s.labels;
    familyOf(out, name as string).series.set(seriesKey(labels), { labels, v: s.v });
  }
  return out;
}

/** The distinct label-name lists of a family's series, e.g. {"cpu,mode"}. */
export const labelNameSets = (f: Family): Set<string> =>
  new Set([...f.series.values()].map((s) => Object.keys(s.labels).sort().join(',')));

/** Series present on one side only, per family present on both, as readable lines. */
export function seriesDiff(ours: Map<string, Family>, theirs: Map<string, Family>): string[] {
  const diffs: string[] = [];
  for (const [name, a] of ours) {
    const b = theirs.get(name);
    if (!b) continue;
    const [la, lb] = [[...labelNameSets(a)].sort().join(' '), [...labelNameSets(b)].sort().join(' ')];
    if (la !== lb) diffs.push(`${name}: labels ${la} vs ${lb}`);
    for (const key of a.series.keys()) if (!b.series.has(key)) diffs.push(`${name}: only Outpost has ${key}`);
    for (const key of b.series.keys()) if (!a.series.has(key)) diffs.push(`${name}: only node_exporter has ${key}`);
  }
  return diffs;
}

export interface RunningExporter {
  readonly url: string;
  scrape(): Promise<string>;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}

/** Starts node_exporter on a free loopback port and waits until /metrics answers. */
export async function startNodeExporter(binary: string, args: readonly string[]): Promise<RunningExporter> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningExporter = {
    url,
    scrape: async () => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`node_exporter answered ${res.status}:\n${output}`);
      return res.text();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited (${child.exitCode}):\n${output}`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return running;
    if (Date.now() > deadline) {
      await running.stop();
      throw new Error(`node_exporter did not answer on ${url}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
