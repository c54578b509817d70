import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition, type ExpositionFormat } from '../../../agent/collect/scrape/expfmt.ts';

function errorOf(text: string, format: ExpositionFormat): ExpositionError {
  try {
    parseExposition(text, format);
  } catch (err) {
    if (err instanceof ExpositionError) return err;
    throw err;
  }
  throw new Error(`parsed without error: ${JSON.stringify(text)}`);
}

type Case = [what: string, input: string, line: number, problem: string];

const CR = 'carriage return (Windows line endings are not accepted)';
const OM_COMMENT = 'OpenMetrics allows only "# HELP", "# TYPE", "# UNIT" and "# EOF" lines starting with "#"';
const LONG = 'a'.repeat(257);

// Each row names the malformation; the whole scrape fails at the first one, so line and wording must be exact.
const textCases: Case[] = [
  ['missing value', 'a', 1, 'expected a value after the metric, got end of input'],
  ['missing value after labels', 'ok 1\na{b="c"}\n', 2, 'expected a value after the metric, got end of line'],
  ['single-quoted label value', "a{b='c'} 1", 1, `expected a quoted value for label "b", got "'c'"`],
  ['label value missing', 'a{b=\n', 1, 'expected a quoted value for label "b", got end of line'],
  [
    'unterminated label value',
    'x 1\nsomething_weird{problem="\n',
    2,
    'unterminated label value (missing closing quote)',
  ],
  ['backslash-newline in label value', 'a{b="x\\\ny"} 1', 1, 'backslash before a line break in a label value'],
  ['missing "="', 'a{b-c="d"} 1', 1, 'expected "=" after label name "b", got "-c"'],
  ['label name starting with a digit', 'a{1b="c"} 1', 1, 'expected a label name or "}", got "1b"'],
  ['empty label name', 'a{="c"} 1', 1, 'expected a label name or "}", got "="'],
  ['double comma', 'a{b="c",,d="e"} 1', 1, 'expected a label name or "}", got ","'],
  ['unclosed brace', 'a{b="c" 1', 1, 'expected a label name or "}", got "1"'],
  ['line break inside braces', 'a{b="c",\nd="e"} 1', 1, 'expected a label name or "}", got end of line'],
  ['duplicate label', 'a 1\n\n# c\nb{x="1",y="2",x="3"} 1', 4, 'duplicate label name "x"'],
  ['duplicate of an empty label', 'a{x="",x="1"} 1', 1, 'duplicate label name "x"'],
  ['__name__ as a label', 'a{__name__="b"} 1', 1, 'duplicate label name "__name__"'],
  ['word as value', 'a true\n', 1, 'invalid value "true"'],
  ['underscore in value', 'foo 1_2\n', 1, 'invalid value "1_2"'],
  ['hex float value', 'foo 0x1p-3\n', 1, 'invalid value "0x1p-3"'],
  ['overflowing value', 'foo 1e999\n', 1, 'invalid value "1e999"'],
  ['junk after timestamp', 'foo 0 1_2\n', 1, 'expected end of line after the timestamp, got "_2"'],
  ['two timestamps', 'foo 0 1 2\n', 1, 'expected end of line after the timestamp, got "2"'],
  ['float timestamp', 'foo 0 1.5\n', 1, 'expected end of line after the timestamp, got ".5"'],
  [
    'negative timestamp',
    'foo 0 -5\n',
    1,
    'negative timestamps are not accepted in the text format (Prometheus reads digits only)',
  ],
  ['word timestamp', 'foo 0 now\n', 1, 'expected an integer timestamp (ms) or end of line after the value, got "now"'],
  ['huge timestamp', 'foo 0 99999999999999999999\n', 1, 'timestamp 99999999999999999999 is out of range'],
  ['exemplar', 'foo 1 # {a="b"} 1\n', 1, 'unexpected "#" after the value (exemplars need OpenMetrics)'],
  ['second label set', 'a{b="c"} {d="e"} 1', 1, 'expected a value after the metric, got "{"'],
  [
    'braces before the name',
    '{a="ok"} 1',
    1,
    'expected a metric name at the start of a line, got "{" (quoted UTF-8 metric names are not supported)',
  ],
  ['invalid name', 'ok 1\n\n0abc 1', 3, 'expected a metric name at the start of a line, got "0abc"'],
  ['name too long', `${LONG} 1`, 1, `metric name "${'a'.repeat(32)}…" is longer than 256 characters`],
  ['label value too long', `a{b="${'v'.repeat(4097)}"} 1`, 1, 'value of label "b" is longer than 4096 characters'],
  ['TYPE without name', '# TYPE #\n', 1, 'expected a metric name after # TYPE, got "#"'],
  ['HELP without name', '# HELP \n', 1, 'expected a metric name after # HELP, got end of line'],
  [
    'HELP name glued to text',
    '# HELP foo{bar} baz\n',
    1,
    'expected whitespace after the metric name in # HELP, got "{"',
  ],
  ['unknown type', 'a 1\n# TYPE foo counterx\n', 2, 'invalid metric type "counterx"'],
  ['OpenMetrics-only type', '# TYPE foo unknown\n', 1, 'invalid metric type "unknown"'],
  ['empty type', '# TYPE foo\n', 1, 'invalid metric type ""'],
  ['trailing space after type', '# TYPE foo counter \n', 1, 'invalid metric type "counter "'],
  ['CRLF sample', 'foo 1\r\nbar 2\r\n', 1, `unexpected ${CR}`],
  ['CRLF after timestamp', 'foo 1 5\r\n', 1, `expected end of line after the timestamp, got ${CR}`],
  ['CRLF blank line', 'a 1\n\r\n', 2, `expected a metric name at the start of a line, got ${CR}`],
  ['CRLF TYPE', '# HELP a help\r\n# TYPE a gauge\r\na 1\r\n', 2, `unexpected ${CR}`],
  [
    'error after a multi-line label value',
    'a{b="x\ny\nz"} 1\nc 1 2 3\n',
    4,
    'expected end of line after the timestamp, got "3"',
  ],
];

const omCases: Case[] = [
  ['empty input', '', 1, 'missing "# EOF" at the end of OpenMetrics text'],
  ['no EOF', 'foo 1\n', 2, 'missing "# EOF" at the end of OpenMetrics text'],
  ['no EOF, no final newline', 'foo 1', 1, 'missing "# EOF" at the end of OpenMetrics text'],
  ['no EOF after metadata', '# HELP foo bar', 1, 'missing "# EOF" at the end of OpenMetrics text'],
  ['sample after EOF', 'foo 1\n# EOF\nbar 2\n', 3, 'unexpected content after "# EOF"'],
  ['blank line after EOF', '# EOF\n\n', 2, 'unexpected content after "# EOF"'],
  ['junk glued to EOF', '# EOFx\n', 1, 'unexpected content after "# EOF"'],
  ['blank line', 'a 1\n\nb 2\n# EOF\n', 2, 'blank lines are not allowed in OpenMetrics'],
  ['leading space', ' a 1\n# EOF\n', 1, 'leading whitespace is not allowed in OpenMetrics'],
  [
    'plain comment',
    'a 1\n# a comment\n# EOF\n',
    2,
    OM_COMMENT,
  ],
  [
    'comment without space',
    '#HELP a b\n# EOF\n',
    1,
    OM_COMMENT,
  ],
  [
    'HELP without text',
    '# HELP foo\n# EOF\n',
    1,
    'expected a space and text after the metric name in # HELP, got end of line',
  ],
  ['text-format type', '# TYPE foo untyped\n# EOF\n', 1, 'invalid metric type "untyped"'],
  ['two spaces before type', '# TYPE foo  counter\n# EOF\n', 1, 'invalid metric type " counter"'],
  [
    'unit not a suffix',
    '# UNIT foo_bytes seconds\n# EOF\n',
    1,
    'unit "seconds" is not a suffix of metric name "foo_bytes"',
  ],
  [
    'unit without underscore',
    '# UNIT fooseconds seconds\n# EOF\n',
    1,
    'unit "seconds" is not a suffix of metric name "fooseconds"',
  ],
  ['two spaces before value', 'foo  1\n# EOF\n', 1, 'expected a value after the metric, got " "'],
  ['tab before value', 'foo\t1\n# EOF\n', 1, 'expected a space and a value, got "\\t"'],
  ['space before labels', 'foo {a="b"} 1\n# EOF\n', 1, 'invalid value "{a=\\"b\\"}"'],
  ['trailing space', 'foo 1 \n# EOF\n', 1, 'trailing whitespace is not allowed in OpenMetrics'],
  ['trailing tab', 'foo 1\t\n# EOF\n', 1, 'invalid value "1\\t"'],
  ['space after comma', 'foo{a="b", c="d"} 1\n# EOF\n', 1, 'expected a label name or "}", got " "'],
  ['space before comma', 'foo{a="b" ,c="d"} 1\n# EOF\n', 1, 'expected "," or "}" after label value, got " "'],
  ['line break in label value', 'foo{a="b\nc"} 1\n# EOF\n', 1, 'line break inside a label value'],
  ['duplicate label', 'foo{a="b",a="c"} 1\n# EOF\n', 1, 'duplicate label name "a"'],
  ['NaN timestamp', 'foo 1 NaN\n# EOF\n', 1, 'timestamp must be finite, got "NaN"'],
  ['bad timestamp', 'a 1\nfoo 1 12:00\n# EOF\n', 2, 'invalid timestamp "12:00"'],
  ['huge timestamp', 'foo 1 1e20\n# EOF\n', 1, 'timestamp 1e20 is out of range'],
  ['two timestamps', 'foo 1 2 3\n# EOF\n', 1, 'expected end of line or an exemplar after the timestamp, got "3"'],
  [
    'exemplar without value',
    'foo 1 # {a="b"}\n# EOF\n',
    1,
    'expected a space and a value after the exemplar labels, got end of line',
  ],
  ['bad exemplar value', 'foo 1 # {a="b"} x\n# EOF\n', 1, 'invalid exemplar value "x"'],
  ['bad exemplar label', 'foo 1 # {a=b} 1\n# EOF\n', 1, 'expected a quoted value for label "a", got "b"'],
  ['infinite exemplar timestamp', 'foo 1 # {} 1 +Inf\n# EOF\n', 1, 'exemplar timestamp must be finite, got "+Inf"'],
  ['junk after exemplar', 'foo 1 2 # {} 1 2 3\n# EOF\n', 1, 'expected end of line after the exemplar, got " "'],
  ['CRLF', 'foo 1\r\n# EOF\r\n', 1, `unexpected ${CR}`],
  ['CRLF after metadata', '# TYPE foo gauge\r\nfoo 1\r\n# EOF\r\n', 1, `unexpected ${CR}`],
];

describe.each([
  ['text format', 'prometheus', textCases],
  ['OpenMetrics', 'openmetrics', omCases],
] as const)('%s errors', (_name, format, cases) => {
  it.each(cases)('%s', (_what, input, line, problem) => {
    const err = errorOf(input, format);
    expect(err.name).toBe('ExpositionError');
    expect(err.line).toBe(line);
    expect(err.problem).toBe(problem);
    expect(err.message).toBe(`line ${line}: ${problem}`);
  });
});

describe('error reporting', () => {
  it('reports the first malformed line even when later ones are malformed too', () => {
    const text = 'ok 1\nok{a="1"} 2\nbad{ 3\nworse\n';
    expect(errorOf(text, 'prometheus').line).toBe(3);
  });

  it('limits the number of labels on one series', () => {
    const labels = Array.from({ length: 64 }, (_, i) => `l${i}="v"`).join(',');
    expect(errorOf(`a{${labels}} 1\n`, 'prometheus').problem).toBe('more than 64 labels on one series');
    const fits = labels.replace(/,l63="v"$/, '');
    expect(parseExposition(`a{${fits}} 1\n`, 'prometheus').samples).toHaveLength(1);
  });
});
