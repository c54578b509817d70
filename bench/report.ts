import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

const FILE = new URL('../BENCHMARKS.md', import.meta.url);
const HEADER = '# Benchmarks\n\nWritten by `npm run bench`; every figure is measured side by side with the Prometheus tool Outpost replaces, in one run.\n\n';

/** The machine a figure was measured on, for the line under each section's title. */
export function machine(): string {
  const kernel = readFileSync('/proc/version', 'utf8').split(' ').slice(0, 3).join(' ');
  return `${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${kernel}, Node ${process.version}`;
}

/**
 * Replaces the section that starts with `title` (a `## ` line) in BENCHMARKS.md, or appends it: each benchmark
 * rewrites only its own figures, so running one does not erase the others.
 */
export function writeSection(title: string, body: string): void {
  const old = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const section = `${title}\n\n${body.trimEnd()}\n\n`;
  const at = old.indexOf(`${title}\n`);
  if (at < 0) {
    writeFileSync(FILE, `${old.trimEnd()}\n\n${section}`);
    return;
  }
  const next = old.indexOf('\n## ', at + title.length);
  writeFileSync(FILE, `${old.slice(0, at)}${section}${next >= 0 ? old.slice(next + 1) : ''}`.trimEnd() + '\n');
}
