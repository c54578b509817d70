import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Engine, EvalResult, FileReport, RunReport, Tally } from '../promql/promqltest/runner.ts';
import { UsageError, type Command, type FlagSpecs } from './flags.ts';

const promqltestFlags = {
  verbose: { kind: 'boolean', description: 'also print every passed and skipped eval, with the reason for a skip' },
} satisfies FlagSpecs;

/** Prometheus' conformance scripts, shipped next to the project (../shared/promql-testdata). */
export const DEFAULT_TESTDATA = fileURLToPath(new URL('../../shared/promql-testdata', import.meta.url));

export const tally = (t: Tally) => `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;

function describeResult(r: EvalResult): string {
  const label = r.outcome === 'failed' ? 'FAIL' : r.outcome === 'skipped' ? 'SKIP' : 'ok  ';
  const head = `${label} ${r.file}:${r.line}: ${r.command}`;
  return r.reason === undefined ? head : `${head}\n       ${r.reason.replace(/\n/g, '\n       ')}`;
}

/** One file's lines: its failures (every eval with --verbose), then its counts. */
export function formatFileReport(report: FileReport, verbose: boolean): string {
  const shown = report.results.filter((r) => verbose || r.outcome === 'failed');
  return [...shown.map(describeResult), `${report.file}: ${tally(report)}`].join('\n') + '\n';
}

export function formatTotal(total: RunReport): string {
  return `total (${total.files.length} file${total.files.length === 1 ? '' : 's'}): ${tally(total)}\n`;
}

/** The engine, loaded on first use; it is checked at run time so this command type-checks on its own. */
async function loadEngine(): Promise<Engine> {
  const mod = (await import('../promql/engine.ts')) as unknown as Partial<Engine>;
  if (typeof mod.instantQuery !== 'function' || typeof mod.rangeQuery !== 'function') {
    throw new Error('promql/engine.ts does not export instantQuery and rangeQuery');
  }
  return { instantQuery: mod.instantQuery, rangeQuery: mod.rangeQuery };
}

/** A failed run: exit status 1 with a one-line message instead of a stack trace. */
class TestsFailed extends Error {
  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

export const promqltestCommand: Command = {
  name: 'promqltest',
  summary: `Run PromQL test scripts (Prometheus' .test format) against Outpost's engine; default: ${DEFAULT_TESTDATA}.`,
  flags: promqltestFlags,
  positionals: '[DIR_OR_FILE…]',
  async run({ values, positionals = [] }) {
    const paths = positionals.length > 0 ? [...positionals] : [DEFAULT_TESTDATA];
    for (const p of paths) {
      if (!existsSync(p)) {
        throw new UsageError(positionals.length > 0 ? `${p}: no such file or directory` : `no path given and the default ${p} does not exist`);
      }
    }
    const verbose = values.verbose === true;
    const { runPaths } = await import('../promql/promqltest/runner.ts');
    const engine = await loadEngine();
    const total = await runPaths(paths, engine, (report) => process.stdout.write(formatFileReport(report, verbose)));
    process.stdout.write(formatTotal(total));
    if (total.files.length === 0) throw new UsageError(`no .test files found in ${paths.join(', ')}`);
    if (total.failed > 0) throw new TestsFailed(`${total.failed} eval${total.failed === 1 ? '' : 's'} failed`);
  },
};
