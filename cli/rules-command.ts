import { existsSync } from 'node:fs';
import { UsageError, type Command, type FlagSpecs } from './flags.ts';

/** A failed check or test: exit status 1 with a one-line message instead of a stack trace. */
class RulesFailed extends Error {
  constructor(message: string) {
    super(message);
    this.stack = message;
  }
}

/** `outpost rules check FILE…`: promtool check rules. */
async function check(files: readonly string[]): Promise<void> {
  const { readRuleFile, RuleFileError } = await import('../promql/rules/rule-file.ts');
  let failed = 0;
  for (const file of files) {
    process.stdout.write(`Checking ${file}\n`);
    try {
      const spec = readRuleFile(file);
      const rules = spec.groups.reduce((n, g) => n + g.rules.length, 0);
      process.stdout.write(`  SUCCESS: ${rules} rules found\n\n`);
    } catch (err) {
      if (!(err instanceof RuleFileError)) throw err;
      failed++;
      process.stderr.write(`  FAILED:\n${err.problems.join('\n')}\n\n`);
    }
  }
  if (failed > 0) throw new RulesFailed(`${failed} of ${files.length} rule files failed the check`);
}

/** `outpost rules test FILE…`: promtool test rules, same file format, same verdicts. */
async function test(files: readonly string[]): Promise<void> {
  const { runUnitTestFile } = await import('../promql/rules/unit-test.ts');
  let failed = 0;
  for (const file of files) {
    process.stdout.write(`Unit Testing: ${file}\n`);
    const report = runUnitTestFile(file);
    for (const w of report.warnings) process.stderr.write(`  WARNING: ${w}\n`);
    if (report.errors.length === 0) process.stdout.write('  SUCCESS\n\n');
    else {
      failed++;
      process.stderr.write(`  FAILED:\n${report.errors.join('\n\n')}\n\n`);
    }
  }
  if (failed > 0) throw new RulesFailed(`${failed} of ${files.length} unit test files failed`);
}

function filesCommand(name: string, summary: string, run: (files: readonly string[]) => Promise<void>): Command {
  return {
    name,
    summary,
    flags: {} satisfies FlagSpecs,
    positionals: 'FILE…',
    async run({ positionals = [] }) {
      if (positionals.length === 0) throw new UsageError('expected one or more files');
      const missing = positionals.find((f) => !existsSync(f));
      if (missing) throw new UsageError(`${missing}: no such file`);
      await run(positionals);
    },
  };
}

export const rulesCheckCommand = filesCommand('rules check', 'Check Prometheus rule files as promtool check rules does.', check);
export const rulesTestCommand = filesCommand('rules test', "Run rule unit tests in promtool's format (promtool test rules).", test);

/** `outpost rules` alone only points at its subcommands. */
export const rulesCommand: Command = {
  name: 'rules',
  summary: 'Check Prometheus rule files or run their unit tests.',
  flags: {} satisfies FlagSpecs,
  async run() {
    throw new UsageError("expected a subcommand: 'outpost rules check FILE…' or 'outpost rules test FILE…'");
  },
};
