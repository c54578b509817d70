import { describe, expect, it } from 'vitest';
import type { Labels } from '../../../protocol/labels.ts';
import { parseRelabelRule, parseRelabelRules, relabel, RelabelConfigError } from '../../../agent/collect/scrape/relabel.ts';

/** Rules are given as they come out of YAML, so every case also goes through parsing and defaults. */
const run = (labels: Labels, rules: object[]) => relabel(labels, parseRelabelRules(rules, 'relabel_configs'));
const DROP = undefined;

// The cases of Prometheus' model/relabel TestRelabel, inputs and expected outputs restated as YAML rules.
const PROMETHEUS_CASES: [string, Labels, object[], Labels | undefined][] = [
  ['replace with ${1} twice', { a: 'foo', b: 'bar', c: 'baz' },
    [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }],
    { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' }],
  ['chained replaces see earlier results', { a: 'foo', b: 'bar', c: 'baz' }, [
    { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
    { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
  ], { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' }],
  ['drop stops later rules', { a: 'foo' }, [
    { source_labels: ['a'], regex: '.*o.*', action: 'drop' },
    { source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch$1-ch$1' },
  ], DROP],
  ['drop on match', { a: 'foo', b: 'bar' }, [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }], DROP],
  ['group inside a greedy match', { a: 'abc' },
    [{ source_labels: ['a'], regex: '.*(b).*', target_label: 'd', replacement: '$1' }], { a: 'abc', d: 'b' }],
  ['drop without match', { a: 'foo' }, [{ source_labels: ['a'], regex: 'no-match', action: 'drop' }], { a: 'foo' }],
  ['regex is anchored: f|o does not match foo', { a: 'foo' }, [{ source_labels: ['a'], regex: 'f|o', action: 'drop' }], { a: 'foo' }],
  ['keep without match', { a: 'foo' }, [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }], DROP],
  ['keep on match', { a: 'foo' }, [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }], { a: 'foo' }],
  ['replace without match changes nothing', { a: 'boo' },
    [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }], { a: 'boo' }],
  ['hashmod of "baz" mod 1000 is 976', { a: 'foo', b: 'bar', c: 'baz' },
    [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }],
    { a: 'foo', b: 'bar', c: 'baz', d: '976' }],
  ['hashmod of "foo\\nbar" mod 1000 is 734', { a: 'foo\nbar' },
    [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }], { a: 'foo\nbar', b: '734' }],
  ['labelmap copies matching names', { a: 'foo', b1: 'bar', b2: 'baz' },
    [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }],
    { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' }],
  ['labelmap of __meta_ labels', { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' },
    [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }],
    { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', my_bar: 'aaa', my_baz: 'bbb' }],
  ['target label from the match', { a: 'some-name-value' },
    [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${2}', target_label: '${1}' }],
    { a: 'some-name-value', name: 'value' }],
  ['missing group in replacement gives "" and so no label', { a: 'some-name-value' },
    [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${3}', target_label: '${1}' }],
    { a: 'some-name-value' }],
  ['an invalid computed target label skips the rule', { a: 'some-name-0' }, [
    { source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', replacement: '${1}', target_label: '${3}' },
    { source_labels: ['a'], regex: 'some-([^-]+)(-[^,]+)', replacement: '${1}', target_label: '${3}' },
  ], { a: 'some-name-0' }],
  ['real-life tags', { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar' }, [
    { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)path:(/[^,]+).*', replacement: '${1}', target_label: '__metrics_path__' },
    { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)job:([^,]+).*', replacement: '${1}', target_label: 'job' },
    { source_labels: ['__meta_sd_tags'], regex: '(?:.+,|^)label:([^=]+)=([^,]+).*', replacement: '${2}', target_label: '${1}' },
  ], { __meta_sd_tags: 'path:/secret,job:some-job,label:foo=bar', __metrics_path__: '/secret', job: 'some-job', foo: 'bar' }],
  ['prometheus#12283: a label dropped then set again', {
    __meta_kubernetes_pod_container_port_name: 'foo', __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091',
  }, [
    { regex: '^__meta_kubernetes_pod_container_port_name$', action: 'labeldrop' },
    { source_labels: ['__meta_kubernetes_pod_annotation_XXX_metrics_port'], regex: '(.+)', replacement: 'metrics',
      target_label: '__meta_kubernetes_pod_container_port_name' },
    { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: '^metrics$', action: 'keep' },
  ], { __meta_kubernetes_pod_annotation_XXX_metrics_port: '9091', __meta_kubernetes_pod_container_port_name: 'metrics' }],
  ['labelkeep', { a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', action: 'labelkeep' }], { b1: 'bar', b2: 'baz' }],
  ['labeldrop', { a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', action: 'labeldrop' }], { a: 'foo' }],
  ['uppercase and lowercase', { foo: 'bAr123Foo' }, [
    { source_labels: ['foo'], action: 'uppercase', target_label: 'foo_uppercase' },
    { source_labels: ['foo'], action: 'lowercase', target_label: 'foo_lowercase' },
  ], { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' }],
  ['keepequal, equal', { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
    [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port1' }],
    { __tmp_port: '1234', __port1: '1234', __port2: '5678' }],
  ['dropequal, equal', { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
    [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port1' }], DROP],
  ['dropequal, different', { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
    [{ source_labels: ['__tmp_port'], action: 'dropequal', target_label: '__port2' }],
    { __tmp_port: '1234', __port1: '1234', __port2: '5678' }],
  ['keepequal, different', { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
    [{ source_labels: ['__tmp_port'], action: 'keepequal', target_label: '__port2' }], DROP],
];

describe('relabel: Prometheus TestRelabel cases', () => {
  it.each(PROMETHEUS_CASES)('%s', (_name, input, rules, want) => {
    expect(run(input, rules)).toEqual(want);
  });
});

describe('relabel: further semantics', () => {
  it.each<[string, Labels, object[], Labels | undefined]>([
    ['defaults: source joined with ";" copied as is', { a: 'x', b: 'y' }, [{ source_labels: ['a', 'b'], target_label: 'c' }],
      { a: 'x', b: 'y', c: 'x;y' }],
    ['custom separator; absent source labels are ""', { a: 'x' }, [{ source_labels: ['a', 'nope', 'a'], separator: '/', target_label: 'c' }],
      { a: 'x', c: 'x//x' }],
    ['replace with an empty result deletes the target', { a: 'x', b: 'y' }, [{ source_labels: ['nope'], target_label: 'b', replacement: '' }],
      { a: 'x' }],
    ['no source labels and the default regex sets a constant', { a: 'x' }, [{ target_label: 'env', replacement: 'prod' }],
      { a: 'x', env: 'prod' }],
    ['$1x is the group named "1x": empty, so the label goes', { a: 'v', t: 'old' },
      [{ source_labels: ['a'], regex: '(v)', target_label: 't', replacement: '$1x' }], { a: 'v' }],
    ['${1}x, $$ and a malformed $ are literal around the group', { a: 'v' },
      [{ source_labels: ['a'], regex: '(v)', target_label: 't', replacement: '${1}x $$ $- ${1' }], { a: 'v', t: 'vx $ $- ${1' }],
    ['named groups by $name and ${name}', { a: 'host:9100' },
      [{ source_labels: ['a'], regex: '(?P<host>[^:]+):(?<port>\\d+)', target_label: 'b', replacement: '$port/${host}' }],
      { a: 'host:9100', b: '9100/host' }],
    ['(?i) makes the match case-insensitive', { a: 'FOO' }, [{ source_labels: ['a'], regex: '(?i)foo', action: 'keep' }], { a: 'FOO' }],
    ['. matches a newline (Prometheus 3)', { a: 'x\ny' }, [{ source_labels: ['a'], regex: 'x.y', action: 'drop' }], DROP],
    // md5("") = d41d8cd98f00b204e9800998ecf8427e: the uint64 0xe9800998ecf8427e ends in 0x7e = 126, and 126 % 8 = 6.
    ['hashmod of the empty string, modulus 8', { a: 'x' }, [{ target_label: 'h', action: 'hashmod', modulus: 8 }], { a: 'x', h: '6' }],
    ['labelmap: later-visited source wins; labels set by earlier rules are visited last', { a_x: '1', b_x: '2' }, [
      { source_labels: ['a_x'], target_label: 'a_x', replacement: 'new' },
      { regex: '[ab]_(x)', replacement: '$1', action: 'labelmap' },
    ], { a_x: 'new', b_x: '2', x: 'new' }],
    ['labelmap visits untouched labels in name order', { a_x: '1', b_x: '2' }, [{ regex: '[ab]_(x)', replacement: '$1', action: 'labelmap' }],
      { a_x: '1', b_x: '2', x: '2' }],
    ['labelkeep can remove __name__', { __name__: 'up', job: 'j' }, [{ regex: 'job', action: 'labelkeep' }], { job: 'j' }],
    ['labels with empty values are removed and not visited', { a: '', b: 'x' }, [{ regex: '(.*)', replacement: 'copy_$1', action: 'labelmap' }],
      { b: 'x', copy_b: 'x' }],
    ['lowercase of absent source deletes the target', { t: 'x' }, [{ source_labels: ['nope'], action: 'lowercase', target_label: 't' }], {}],
    ['case mapping is Go\'s one-to-one: ß, İ and a final Σ', { a: 'straße İ ΟΔΟΣ' }, [
      { source_labels: ['a'], action: 'uppercase', target_label: 'up' },
      { source_labels: ['a'], action: 'lowercase', target_label: 'low' },
    ], { a: 'straße İ ΟΔΟΣ', up: 'STRAßE İ ΟΔΟΣ', low: 'straße i οδοσ' }],
    ['keepequal with both absent keeps', { a: 'x' }, [{ source_labels: ['nope'], action: 'keepequal', target_label: 'nope2' }], { a: 'x' }],
  ])('%s', (_name, input, rules, want) => {
    expect(run(input, rules)).toEqual(want);
  });

  it('drops a whole scrape target whose address does not match', () => {
    const rules = [
      { source_labels: ['__address__'], regex: '10\\.0\\..*', action: 'keep' },
      { source_labels: ['__address__'], regex: '([^:]+):.*', target_label: 'instance' },
    ];
    expect(run({ __address__: '192.168.1.5:9100', job: 'node' }, rules)).toBeUndefined();
    expect(run({ __address__: '10.0.0.7:9100', job: 'node' }, rules)).toEqual({ __address__: '10.0.0.7:9100', instance: '10.0.0.7', job: 'node' });
  });

  it('does not modify its input', () => {
    const input = Object.freeze({ a: 'x' });
    expect(run(input, [{ source_labels: ['a'], target_label: 'a', replacement: 'y' }])).toEqual({ a: 'y' });
    expect(input).toEqual({ a: 'x' });
  });
});

describe('parseRelabelRule', () => {
  it('fills Prometheus defaults and lower-cases the action', () => {
    const r = parseRelabelRule({ target_label: 't', action: 'Replace' }, 'r');
    expect(r).toMatchObject({ action: 'replace', sourceLabels: [], separator: ';', regexSource: '(.*)', replacement: '$1', modulus: 0 });
    expect(r.regex.test('any\nthing')).toBe(true);
  });

  it('takes YAML scalars as their text, as Go does for string fields', () => {
    expect(parseRelabelRule({ target_label: 'port', replacement: 9100 }, 'r').replacement).toBe('9100');
  });

  it.each<[string, unknown, string]>([
    ['null action', { action: null, target_label: 'x' }, 'r.action: relabel action cannot be empty'],
    ['unknown action', { action: 'rename' }, 'r.action: unknown relabel action "rename"'],
    ['replace without target_label', {}, "relabel configuration for replace action requires 'target_label' value"],
    ['lowercase without target_label', { action: 'lowercase' }, "relabel configuration for lowercase action requires 'target_label' value"],
    ['keepequal without target_label', { action: 'keepequal' }, "relabel configuration for keepequal action requires 'target_label' value"],
    ['hashmod without modulus', { action: 'hashmod', target_label: 'h' }, 'r.modulus: relabel configuration for hashmod requires non-zero modulus'],
    ['hashmod with a template target', { action: 'hashmod', target_label: '$1', modulus: 2 }, `"$1" is invalid 'target_label' for hashmod action`],
    ['lowercase with a template target', { action: 'lowercase', target_label: '${3}' }, `"\${3}" is invalid 'target_label'`],
    ['replace target starting with a digit', { target_label: '0${3}' }, `"0\${3}" is invalid 'target_label'`],
    ['replace target with a dash', { target_label: '-${3}' }, `"-\${3}" is invalid 'target_label' for replace action`],
    ['replace target not a name', { target_label: 'a-b' }, `"a-b" is invalid 'target_label' for replace action`],
    ['lowercase with replacement', { action: 'lowercase', target_label: 't', replacement: 'x' }, "'replacement' can not be set for lowercase action"],
    ['labelmap replacement not a name', { action: 'labelmap', replacement: 'a-$1' }, `"a-$1" is invalid 'replacement' for labelmap action`],
    ['keepequal with a regex, even the default one', { action: 'keepequal', target_label: 't', regex: '(.*)' },
      "keepequal action requires only 'source_labels' and `target_label`, and no other fields"],
    ['dropequal with a separator', { action: 'dropequal', target_label: 't', separator: ',' },
      "dropequal action requires only 'source_labels' and `target_label`, and no other fields"],
    ['labeldrop with source_labels', { action: 'labeldrop', source_labels: ['a'] }, "labeldrop action requires only 'regex', and no other fields"],
    ['labelkeep with target_label', { action: 'labelkeep', target_label: 'a' }, "labelkeep action requires only 'regex', and no other fields"],
    ['labelkeep with modulus', { action: 'labelkeep', modulus: 3 }, "labelkeep action requires only 'regex', and no other fields"],
    ['unknown key', { target_label: 't', regexp: 'x' }, 'r.regexp: unknown key'],
    ['invalid source label', { target_label: 't', source_labels: ['a', 'b-c'] }, 'r.source_labels[1]: "b-c" is not a valid label name'],
    ['source_labels not a list', { target_label: 't', source_labels: 'a' }, 'r.source_labels: expected a list'],
    ['negative modulus', { action: 'hashmod', target_label: 'h', modulus: -1 }, 'r.modulus: expected a non-negative integer'],
    ['regex Go rejects', { target_label: 't', regex: '(?=a)' }, 'r.regex: invalid regex "(?=a)"'],
    ['not a mapping', ['x'], 'r: expected a mapping'],
  ])('rejects %s', (_name, raw, message) => {
    expect(() => parseRelabelRule(raw, 'r')).toThrowError(RelabelConfigError);
    expect(() => parseRelabelRule(raw, 'r')).toThrowError(message);
  });

  // Prometheus' TestTargetLabelValidity table for names that may hold $-references (checked here through
  // labelmap's replacement, which always uses that rule).
  it.each<[string, boolean]>([
    ['-label', false], ['label', true], ['label${1}', true], ['${1}label', true], ['${1}', true], ['${', false], ['$', false],
    ['${}', false], ['foo${', false], ['$1', true], ['asd$2asd', true], ['-foo${1}bar-', false], ['_${1}_', true], ['foo${bar}foo', true],
  ])('template name %j valid: %s', (name, valid) => {
    const parse = () => parseRelabelRule({ action: 'labelmap', replacement: name }, 'r');
    if (valid) expect(parse).not.toThrow();
    else expect(parse).toThrowError(`is invalid 'replacement'`);
  });

  it('the template-name check stays linear on long invalid input', () => {
    const start = performance.now();
    expect(() => parseRelabelRule({ action: 'labelmap', replacement: `${'$a'.repeat(5000)}-` }, 'r')).toThrow();
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('parseRelabelRules: null is no rules; a null rule is an error, with its index', () => {
    expect(parseRelabelRules(null, 'rc')).toEqual([]);
    expect(() => parseRelabelRules([{ target_label: 't' }, null], 'rc')).toThrowError('rc[1]: empty or null relabeling rule');
    expect(() => parseRelabelRules({}, 'rc')).toThrowError('rc: expected a list');
  });
});
