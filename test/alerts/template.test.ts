import { describe, expect, it } from 'vitest';
import { compileAlertTemplate, templateProblem, type AlertTemplateData, type TemplateEnv } from '../../promql/rules/template/expand.ts';
import { formatGoFloat } from '../../promql/rules/template/go-float.ts';
import { goSprintf } from '../../promql/rules/template/go-printf.ts';

const data: AlertTemplateData = {
  labels: { __name__: 'node_filesystem_avail_bytes', instance: 'shop-17.example:9100', mountpoint: '/data', job: 'node' },
  externalLabels: { site: 'shop-17', agent: 'edge-1' },
  externalURL: 'http://outpost.example/prom',
  value: 1234567.0,
};
const env: TemplateEnv = {
  ts: 1_700_000_000_000,
  externalURL: 'http://outpost.example/prom',
  query: (expr) => {
    if (expr !== 'up') throw new Error(`unexpected query ${expr}`);
    return [
      { labels: { __name__: 'up', instance: 'b:9100' }, value: 0 },
      { labels: { __name__: 'up', instance: 'a:9100' }, value: 1 },
    ];
  },
};
const expand = (text: string, d: Partial<AlertTemplateData> = {}) => compileAlertTemplate('DiskFull', text).expand({ ...data, ...d }, env);

describe('alert templates: variables and printing', () => {
  it.each([
    ['{{ $labels.instance }} {{ $labels.mountpoint }}', 'shop-17.example:9100 /data'],
    ['{{ .Labels.job }}/{{ $externalLabels.site }}/{{ .ExternalURL }}', 'node/shop-17/http://outpost.example/prom'],
    ['{{ $labels.missing }}|', '|'],
    ['{{ $value }}', '1.234567e+06'],
    ['{{ $labels }}', 'map[__name__:node_filesystem_avail_bytes instance:shop-17.example:9100 job:node mountpoint:/data]'],
    ['{{ 42 }} {{ 1.5 }} {{ 1e6 }} {{ "a" }} {{ true }}', '42 1.5 1e+06 a true'],
    ['{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '2'],
    ['a  {{- " b " -}}  c', 'a b c'],
    ['{{/* a comment */}}x', 'x'],
  ])('%s → %s', (text, out) => expect(expand(text)).toBe(out));

  it.each([
    [0.5, '0.5'],
    [100000, '100000'],
    [1e21, '1e+21'],
    [0.00001, '1e-05'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
  ])('prints $value %d as Go prints a float64: %s', (value, out) => expect(expand('{{ $value }}', { value })).toBe(out));
});

describe('alert templates: control structures', () => {
  it.each([
    ['{{ if gt $value 1000.0 }}big{{ else }}small{{ end }}', 'big'],
    ['{{ if lt $value 10.0 }}a{{ else if lt $value 1e7 }}b{{ else }}c{{ end }}', 'b'],
    ['{{ with $labels.mountpoint }}on {{ . }}{{ end }}', 'on /data'],
    ['{{ with $labels.missing }}x{{ else }}none{{ end }}', 'none'],
    ['{{ range $k, $v := $externalLabels }}{{ $k }}={{ $v }};{{ end }}', 'agent=edge-1;site=shop-17;'],
    ['{{ range query "up" }}{{ .Labels.instance }}:{{ .Value }} {{ end }}', 'b:9100:0 a:9100:1 '],
    ['{{ range $i, $s := query "up" }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ $i }}{{ end }}', '0'],
    ['{{ range $i, $s := query "up" }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ $i }}{{ end }}', '1'],
    ['{{ range $k, $v := args }}x{{ else }}empty{{ end }}', 'empty'],
    ['{{ and 1 0 }} {{ or 0 "" "z" }} {{ not false }} {{ eq "a" "b" "a" }} {{ ne 1 2 }} {{ le 2.0 2.0 }}', '0 z true true true true'],
    ['{{ len $labels }} {{ index $labels "job" }} {{ len "héllo" }}', '4 node 6'],
    ['{{ print 1 2 "a" 3 }}|{{ println "x" 1 }}', '1 2a3|x 1\n'],
  ])('%s', (text, out) => expect(expand(text)).toBe(out));

  it('fails comparing a float with an int constant, as Go does, and says so in the text', () => {
    expect(expand('{{ if gt $value 80 }}hot{{ end }}')).toBe(
      '<error expanding template: error executing template __alert_DiskFull: template: __alert_DiskFull:1: executing "__alert_DiskFull" at <gt $value 80>: error calling gt: incompatible types for comparison>',
    );
  });
});

describe("Prometheus' template functions", () => {
  it.each([
    ['{{ humanize 0 }} {{ humanize 1234567 }} {{ humanize 0.001234 }} {{ humanize -1234 }} {{ humanize 1e30 }}', '0 1.235M 1.234m -1.234k 1e+06Y'],
    ['{{ humanize "2048" }} {{ 12345.678 | humanize }}', '2.048k 12.35k'],
    ['{{ humanize1024 1 }} {{ humanize1024 1024 }} {{ humanize1024 1536 }} {{ humanize1024 1073741824 }}', '1 1ki 1.5ki 1Gi'],
    ['{{ humanizeDuration 90061 }}|{{ humanizeDuration 3661 }}|{{ humanizeDuration 61 }}|{{ humanizeDuration 1.5 }}', '1d 1h 1m 1s|1h 1m 1s|1m 1s|1.5s'],
    ['{{ humanizeDuration 0 }}|{{ humanizeDuration 0.0123 }}|{{ humanizeDuration -90 }}', '0s|12.3ms|-1m 30s'],
    ['{{ humanizePercentage 0.5 }} {{ humanizePercentage 0.12345 }} {{ humanizePercentage 1 }}', '50% 12.35% 100%'],
    ['{{ humanizeTimestamp 1435065584.128 }}', '2015-06-23 13:19:44.128 +0000 UTC'],
    ['{{ printf "%.2f" 3.14159 }} {{ printf "%5.1f|%-4s|%03d|%q|%x" 2.25 "ab" 7 "q" 255 }}', '3.14   2.2|ab  |007|"q"|ff'],
    ['{{ printf "%s %d" "only" }} {{ printf "%d" "x" }} {{ printf "%.3e" 123456.0 }}', 'only %!d(MISSING) %!d(string=x) 1.235e+05'],
    ['{{ title "hello wide world" }} {{ toUpper "abc" }} {{ toLower "ABC" }}', 'Hello Wide World ABC abc'],
    ['{{ reReplaceAll "(.*):.*" "$1" $labels.instance }} {{ reReplaceAll "o+" "0" "foo boo" }}', 'shop-17.example f0 b0'],
    ['{{ if match "^shop-[0-9]+" $labels.instance }}yes{{ end }}', 'yes'],
    ['{{ stripPort $labels.instance }} {{ stripPort "[::1]:9100" }} {{ stripPort "nohost" }}', 'shop-17.example ::1 nohost'],
    ['{{ stripDomain $labels.instance }} {{ stripDomain "10.0.0.1:80" }}', 'shop-17:9100 10.0.0.1:80'],
    ['{{ with query "up" }}{{ . | first | label "instance" }}={{ . | first | value }}{{ end }}', 'b:9100=0'],
    ['{{ range sortByLabel "instance" (query "up") }}{{ .Labels.instance }} {{ end }}', 'a:9100 b:9100 '],
    ['{{ (args 1 "x").arg1 }} {{ safeHtml "<b>" }} {{ urlQueryEscape "a b&c" }}', 'x <b> a+b%26c'],
    ['{{ tableLink "up == 0" }}', '/graph?g0.expr=up+%3D%3D+0&g0.tab=1'],
    ['{{ parseDuration "1m30s" }} {{ now }} {{ pathPrefix }}', '90 1.7e+09 /prom'],
    ['{{ toTime 1435065584.128 }} {{ toDuration 90.5 }}', '2015-06-23 13:19:44.128 +0000 UTC 1m30.5s'],
  ])('%s', (text, out) => expect(expand(text)).toBe(out));

  it('reports a function error in the expanded text instead of failing the rule', () => {
    expect(expand('{{ humanize "abc" }}')).toContain('error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax');
    expect(expand('{{ first (args) }}')).toContain('error calling first');
    expect(expand('{{ range $labels.job }}{{ end }}')).toContain(`range can't iterate over node`);
  });
});

describe('alert templates refused at load', () => {
  it.each([
    ['{{ humanise $value }}', 'template: __alert_DiskFull:1: function "humanise" not defined'],
    ['{{ if $value }}x', 'template: __alert_DiskFull:1: unexpected EOF'],
    ['{{ end }}', 'template: __alert_DiskFull:1: unexpected {{end}}'],
    ['{{ $nope }}', 'template: __alert_DiskFull:1: undefined variable "$nope"'],
    ['x\n{{ define "t" }}y{{ end }}', "template: __alert_DiskFull:2: {{define}} is not supported in Outpost's alert templates (only if, else, range, with, break, continue and pipelines)"],
    ['{{ template "t" }}', "template: __alert_DiskFull:1: {{template}} is not supported in Outpost's alert templates (only if, else, range, with, break, continue and pipelines)"],
    ['{{ break }}', 'template: __alert_DiskFull:1: {{break}} outside {{range}}'],
    ['{{ $value | 3 }}', 'template: __alert_DiskFull:1: non executable command in pipeline stage 2'],
    ['{{ "unterminated }}', 'template: __alert_DiskFull:1: unterminated quoted string'],
  ])('%j: %s', (text, message) => expect(templateProblem('DiskFull', text)).toBe(message));

  it('accepts plain text and every documented construct', () => {
    for (const text of ['plain', '{{ $value | humanize }}', '{{ range query "up" }}{{ .Value }}{{ end }}']) expect(templateProblem('X', text)).toBeUndefined();
  });
});

describe("Go's float formatting", () => {
  it.each([
    [12345, 'g', 4, '1.234e+04'], // the exact value is a tie: half to even
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [0.0006, 'f', 3, '0.001'],
    [1000, 'g', 4, '1000'],
    [123456789, 'g', -1, '1.23456789e+08'],
    [1e-7, 'e', -1, '1e-07'],
    [0, 'e', 2, '0.00e+00'],
    [-1.5, 'g', -1, '-1.5'],
  ] as const)('%d as %%.%s (precision %d) is %s', (v, fmt, prec, out) => expect(formatGoFloat(v, fmt, prec)).toBe(out));

  it('pads, signs and zero-fills as fmt does', () => {
    expect(goSprintf('[%8.3f][%-8.2e][%+d][% d][%08.2f][%6s][%.2s]', [Math.PI, 1234.5, 5n, 5n, -3.14159, 'ab', 'abcdef'])).toBe(
      '[   3.142][1.23e+03][+5][ 5][-0003.14][    ab][ab]',
    );
    expect(goSprintf('%v %v%%', [1n, 'x', 'extra'])).toBe('1 x%%!(EXTRA string=extra)');
  });
});
