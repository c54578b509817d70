import { readdirSync, readFileSync } from 'node:fs';
import { parseExpr } from '../../promql/parse.ts';
import { parseScript } from '../../promql/promqltest/script.ts';

/**
 * PromQL expressions gathered from what the project already has, for properties that must hold on every query:
 * the eval commands of Prometheus' test scripts (../shared/promql-testdata) and the string literals of the PromQL
 * tests (test/promql/*.test.ts) that parse. Only expressions that parse are returned.
 */
const TESTDATA = new URL('../../../shared/promql-testdata/', import.meta.url);
const PROMQL_TESTS = new URL('../promql/', import.meta.url);

const parses = (q: string): boolean => {
  try {
    parseExpr(q);
    return true;
  } catch {
    return false;
  }
};

/** The expression of every eval command, per file, in file order. */
export function testdataQueries(): string[] {
  const files = readdirSync(TESTDATA).filter((f) => f.endsWith('.test')).sort();
  const all = files.flatMap((f) =>
    parseScript(readFileSync(new URL(f, TESTDATA), 'utf8')).flatMap((c) => (c.kind === 'eval' ? [c.expr] : [])),
  );
  return [...new Set(all)].filter(parses);
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '`': '`', '0': '\0' };

/** A JavaScript string literal's value; undefined for escapes this small decoder does not know. */
function decodeLiteral(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    if (Object.hasOwn(ESCAPES, e)) out += ESCAPES[e];
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else return undefined;
  }
  return out;
}

const LITERAL = /'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\$]|\\.|\$(?!\{))*)`/g;

/** Every string literal of test/promql/*.test.ts that is a PromQL expression. */
export function testSourceQueries(): string[] {
  const files = readdirSync(PROMQL_TESTS).filter((f) => f.endsWith('.test.ts')).sort();
  const found = new Set<string>();
  for (const f of files) {
    const text = readFileSync(new URL(f, PROMQL_TESTS), 'utf8');
    for (const m of text.matchAll(LITERAL)) {
      const value = decodeLiteral(m[1] ?? m[2] ?? m[3] ?? '');
      if (value !== undefined && value.trim() !== '') found.add(value);
    }
  }
  return [...found].filter(parses);
}
