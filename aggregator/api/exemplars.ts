import { Hono, type Context } from 'hono';
import type { Expr } from '../../promql/ast.ts';
import { parseExpr } from '../../promql/parse.ts';
import { MAX_TIME_MS, MIN_TIME_MS, parseTimeParam, readParams } from './params.ts';
import { ApiError, failure, success } from './respond.ts';

/** Whether the query reads any series (Prometheus' parser.ExtractSelectors is not empty). */
function selectsSeries(e: Expr): boolean {
  switch (e.kind) {
    case 'vector_selector':
    case 'matrix_selector':
      return true;
    case 'number':
    case 'string':
      return false;
    case 'call':
      return e.args.some(selectsSeries);
    case 'aggregate':
      return selectsSeries(e.expr) || (e.param !== undefined && selectsSeries(e.param));
    case 'binary':
      return selectsSeries(e.lhs) || selectsSeries(e.rhs);
    case 'subquery':
    case 'unary':
    case 'paren':
      return selectsSeries(e.expr);
  }
}

/**
 * /api/v1/query_exemplars, GET and form POST. Agents send no exemplars, so a valid query finds none; the checks
 * and their messages are Prometheus', so that clients see the same errors.
 */
export function exemplarRoutes(): Hono {
  const app = new Hono();
  const exemplars = async (c: Context) => {
    try {
      const params = await readParams(c);
      const start = parseTimeParam('start', params.get('start'), MIN_TIME_MS);
      const end = parseTimeParam('end', params.get('end'), MAX_TIME_MS);
      if (end < start) throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
      // Prometheus answers a query without selectors with no body at all.
      if (!selectsSeries(parseExpr(params.get('query') ?? ''))) return c.body(null, 204);
      return success(c, []);
    } catch (err) {
      return failure(c, err);
    }
  };
  app.on(['GET', 'POST'], '/api/v1/query_exemplars', exemplars);
  return app;
}
