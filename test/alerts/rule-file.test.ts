import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, loadRuleFiles } from '../../promql/rules/load.ts';
import { parseRuleFile, RuleFileError } from '../../promql/rules/rule-file.ts';
import { tempDir } from '../helpers/tmp.ts';

const problems = (text: string) => {
  try {
    parseRuleFile('edge.yml', text);
  } catch (err) {
    if (err instanceof RuleFileError) return err.problems;
    throw err;
  }
  return [];
};

describe('rule files', () => {
  it('reads groups, intervals, limits, alerting and recording rules; group labels apply to every rule', () => {
    const spec = parseRuleFile(
      'edge.yml',
      `groups:
  - name: host
    interval: 30s
    query_offset: 1m
    limit: 10
    labels: {team: ops}
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Down
        expr: up   ==   0
        for: 2m
        keep_firing_for: 5m
        labels: {severity: page, team: edge}
        annotations: {summary: "{{ $labels.job }} down"}
`,
    );
    expect(spec.groups).toEqual([
      {
        file: 'edge.yml',
        name: 'host',
        intervalMs: 30_000,
        queryOffsetMs: 60_000,
        limit: 10,
        rules: [
          { kind: 'recording', name: 'job:up:sum', query: 'sum by (job) (up)', labels: { team: 'ops' } },
          {
            kind: 'alerting',
            name: 'Down',
            query: 'up == 0',
            forMs: 120_000,
            keepFiringForMs: 300_000,
            labels: { team: 'edge', severity: 'page' },
            annotations: { summary: '{{ $labels.job }} down' },
          },
        ],
      },
    ]);
  });

  it('accepts an empty file', () => {
    expect(parseRuleFile('empty.yml', '').groups).toEqual([]);
  });

  it('names file, line, column, group, rule and the PromQL error position', () => {
    expect(problems(`groups:
  - name: host
    rules:
      - alert: Fine
        expr: up == 0
      - alert: Broken
        expr: rate(up[5m] > 0
`)).toEqual(['edge.yml: 7:15: group "host", rule 2, "Broken": could not parse expression: 1:16: parse error: unclosed left parenthesis']);
  });

  it.each([
    ['groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n        for: 5m\n', '4:17: group "g", rule 1, "x": invalid field \'for\' in recording rule'],
    ['groups:\n  - name: g\n    rules:\n      - record: x\n        alert: y\n        expr: up\n', '4:17: group "g", rule 1, "y": only one of \'record\' and \'alert\' must be set'],
    ['groups:\n  - name: g\n    rules:\n      - expr: up\n', '4:9: group "g", rule 1, "": one of \'record\' or \'alert\' must be set'],
    ['groups:\n  - name: g\n    rules:\n      - alert: A\n', '4:9: group "g", rule 1, "A": field \'expr\' must be set in rule'],
    ['groups:\n  - name: g\n    rules:\n      - record: "bad name"\n        expr: up\n', '4:17: group "g", rule 1, "bad name": invalid recording rule name: bad name'],
    ['groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        annotations: {s: "{{ humanise $value }}"}\n', '4:9: group "g", rule 1, "A": annotation "s": template: __alert_A:1: function "humanise" not defined'],
    ['groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: {"bad-name": x}\n', '4:9: group "g", rule 1, "A": invalid label name: bad-name'],
    ['groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5\n', '6:14: for: not a valid duration string: "5"'],
    ['groups:\n  - name: g\n    rulez: []\n', '3:5: field rulez not found in rule group (allowed: name, interval, query_offset, limit, rules, labels)'],
    ['groups:\n  - name: g\n  - name: g\n', '3:5: groupname: "g" is repeated in the same file'],
    ['groups:\n  - rules: []\n', '2:5: Groupname must not be empty'],
    ['groups: [\n', '2:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
  ])('refuses %j', (text, problem) => {
    expect(problems(text)).toEqual([`edge.yml: ${problem}`]);
  });

  it('lists every problem of a file, not only the first', () => {
    expect(problems('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up{\n      - record: r\n        expr: up\n        for: 1m\n')).toHaveLength(2);
  });
});

describe('rule_files globs', () => {
  const dir = tempDir('rule-files');
  afterAll(() => dir.remove());
  mkdirSync(join(dir.path, 'rules.d'));
  for (const name of ['b.yml', 'a.yml', 'c.yaml', 'notes.txt']) writeFileSync(join(dir.path, 'rules.d', name), 'groups: []\n');

  it('expands globs in lexical order, relative to a base directory; a plain path must exist', () => {
    expect(expandGlob('rules.d/*.yml', dir.path)).toEqual([join(dir.path, 'rules.d/a.yml'), join(dir.path, 'rules.d/b.yml')]);
    expect(expandGlob('rules.d/[ac].y*ml', dir.path).map((p) => p.slice(dir.path.length))).toEqual(['/rules.d/a.yml', '/rules.d/c.yaml']);
    expect(expandGlob(join(dir.path, '*', 'b.yml'))).toEqual([join(dir.path, 'rules.d/b.yml')]);
    expect(expandGlob('rules.d/missing.yml', dir.path)).toEqual([]);
  });

  it('refuses the whole set when one file is bad, listing every bad file', () => {
    writeFileSync(join(dir.path, 'bad1.yml'), 'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up{\n');
    writeFileSync(join(dir.path, 'bad2.yml'), 'groups: 3\n');
    expect(() => loadRuleFiles(['bad*.yml', 'rules.d/*.yml'], dir.path)).toThrow(RuleFileError);
    try {
      loadRuleFiles(['bad*.yml'], dir.path);
    } catch (err) {
      expect((err as RuleFileError).problems).toEqual([
        `${join(dir.path, 'bad1.yml')}: 5:15: group "g", rule 1, "A": could not parse expression: 1:4: parse error: unexpected end of input inside braces`,
        `${join(dir.path, 'bad2.yml')}: 1:9: groups: expected a list`,
      ]);
    }
    expect(loadRuleFiles(['rules.d/*.yml'], dir.path).map((f) => f.file.slice(dir.path.length))).toEqual(['/rules.d/a.yml', '/rules.d/b.yml']);
  });
});
