import { Hono, type Context } from 'hono';
import { astJson } from '../../promql/ast-json.ts';
import type { Expr } from '../../promql/ast.ts';
import { QueryError } from '../../promql/errors.ts';
import { parseExpr } from '../../promql/parse.ts';
import { prettify } from '../../promql/prettify.ts';
import { readParams } from './params.ts';
import { ApiError, failure, success } from './respond.ts';

/** The `query` parameter parsed; a missing one is the empty query, which fails as Prometheus' does. */
async function parsedQuery(c: Context): Promise<Expr> {
  const query = (await readParams(c)).get('query') ?? '';
  try {
    return parseExpr(query);
  } catch (err) {
    if (err instanceof QueryError) throw new ApiError('bad_data', `invalid parameter "query": ${err.message}`);
    throw err;
  }
}

/** /api/v1/format_query (the query prettified) and /api/v1/parse_query (its syntax tree), GET and form POST. */
export function querySyntaxRoutes(): Hono {
  const app = new Hono();
  const answer = (render: (e: Expr) => unknown) => async (c: Context) => {
    try {
      return success(c, render(await parsedQuery(c)));
    } catch (err) {
      return failure(c, err);
    }
  };
  app.on(['GET', 'POST'], '/api/v1/format_query', answer((e) => prettify(e)));
  app.on(['GET', 'POST'], '/api/v1/parse_query', answer(astJson));
  return app;
}
