import { describe, expect, it } from 'vitest';
import { compileGoRegex, expandTemplate, GoRegexError } from '../../../agent/collect/scrape/relabel-regex.ts';

describe('compileGoRegex: Go (RE2) meaning, anchored', () => {
  it.each<[string, string, boolean]>([
    ['a|b', 'ab', false], // anchored around the whole alternation
    ['f.*', 'foo', true],
    ['.', '\n', true], // Prometheus 3 anchors with (?s:…)
    ['.', '\u2028', true],
    ['.', '😀', true], // one code point, as Go matches runes
    ['(?-s).', '\n', false],
    ['(?-s).', '\r', true], // Go's non-dotall `.` only excludes \n; JavaScript's also excludes \r
    ['(?i)abc', 'AbC', true],
    ['(?i)(?-s).', '\n', false],
    ['(?s:a.b)', 'a\nb', true],
    ['(?:ab)+', 'abab', true],
    ['(?P<x>a)(?<y>b)', 'ab', true],
    ['[]a]+', ']a]', true], // a leading ] is literal in Go
    ['[^]a]', 'b', true],
    ['[a-]', '-', true],
    ['a{,2}', 'a{,2}', true], // not a repeat in Go: literal braces
    ['a{01}', 'a{01}', true], // Go refuses leading zeros in counts
    ['a{2}', 'aa', true],
    ['a{2,}', 'aaaa', true],
    ['x}]', 'x}]', true],
    ['a/b', 'a/b', true],
    ['\\s', '\t', true],
    ['\\s', '\u00a0', false], // Go's \s is ASCII only
    ['\\s', '\v', false],
    ['\\S', '\u00a0', true],
    ['[\\S]', '\u00a0', true],
    ['[\\S]', ' ', false],
    ['[^\\S]', '\n', true],
    ['[[:alpha:]]+', 'abZ', true],
    ['[[:alpha:]]+', 'a1', false],
    ['[[:^digit:]]', 'a', true],
    ['[^[:^digit:]]', '5', true],
    ['[^[:^digit:]]', 'a', false],
    ['[[:word:].]+', 'a_1.b', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['\\Qab\\E*', 'abbb', true], // the star repeats only the last quoted character
    ['\\x41\\x{42}\\103\\0', 'ABC\0', true],
    ['\\pL+', 'héllo', true],
    ['\\p{Greek}+', 'αβγ', true],
    ['\\P{L}\\p{^L}', '12', true],
    ['[\\d\\-x]+', '1-x', true],
    ['\\A\\d+\\z', '12', true],
    ['\\bfoo\\b', 'foo', true],
    ['\\.\\_\\ ', '._ ', true], // escaped ASCII punctuation is itself
  ])('%j on %j: %s', (pattern, input, matches) => {
    expect(compileGoRegex(pattern).test(input)).toBe(matches);
  });

  it.each<[string, string]>([
    ['(?=a)', 'no lookaround'],
    ['(?!a)', 'no lookaround'],
    ['(?<=a)b', 'no lookaround'],
    ['(?P=n)', 'no lookaround'],
    ['(a)\\1', 'invalid escape sequence \\1'],
    ['\\8', 'invalid escape sequence \\8'],
    ['\\C', 'invalid escape sequence \\C'],
    ['\\Z', 'invalid escape sequence \\Z'],
    ['\\é', 'invalid escape sequence'],
    ['[\\b]', 'invalid escape sequence \\b'],
    ['x\\', 'trailing backslash'],
    ['(?i:a)b', 'only supported at the very start'],
    ['a(?i)b', 'only supported at the very start'],
    ['(?m)^a$', 'flags m and U are not supported'],
    ['(?U)a*', 'flags m and U are not supported'],
    ['(?i-)a', 'unsupported group syntax'],
    ['(?P<1x>a)', 'starting with a digit is not supported'],
    ['(?P<a-b>a)', 'invalid named capture'],
    ['a{1001}', 'invalid repeat count'],
    ['a{3,2}', 'invalid repeat count'],
    ['[z-a]', 'invalid character class range'],
    ['[[:word2:]]', 'invalid character class range'],
    ['[a', 'missing closing ]'],
    ['a**', 'Nothing to repeat'],
    ['(', 'Unterminated group'],
    ['\\p{NoSuchScript}', 'Invalid property name'],
  ])('rejects %j', (pattern, message) => {
    expect(() => compileGoRegex(pattern)).toThrowError(GoRegexError);
    expect(() => compileGoRegex(pattern)).toThrowError(message);
  });

  it('accepts what Go accepts as no-ops: (?), (?:), (?-m), and a scoped flag equal to the current one', () => {
    for (const p of ['(?)a', '(?:a)', '(?-m)a', '(?i)a(?i:b)', '(?s)(?i)a.b']) expect(() => compileGoRegex(p)).not.toThrow();
  });
});

describe('expandTemplate: Go Regexp.Expand', () => {
  const match = compileGoRegex('(?P<name>a)(b)?').exec('a') as RegExpExecArray;
  it.each<[string, string]>([
    ['$1', 'a'],
    ['${1}', 'a'],
    ['$name', 'a'],
    ['${name}', 'a'],
    ['$0', 'a'],
    ['$2', ''], // did not participate
    ['$3', ''], // no such group
    ['$1x', ''], // the group named "1x"
    ['${1}x', 'ax'],
    ['$name_x', ''], // names are as long as possible
    ['$10', ''], // group 10, not group 1 then "0"
    ['$01', ''], // a leading zero makes it a name
    ['$é', ''], // Unicode letters are name characters
    ['$$1', '$1'],
    ['$$$1', '$a'],
    ['$', '$'],
    ['x$', 'x$'],
    ['${1', '${1'], // malformed: the $ is literal
    ['${}', '${}'],
    ['$-1', '$-1'],
    ['${name}${1}-$1.$name', 'aa-a.a'],
    ['no refs', 'no refs'],
  ])('%j → %j', (template, want) => {
    expect(expandTemplate(template, match)).toBe(want);
  });
});
