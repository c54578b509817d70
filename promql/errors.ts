import { startPosInput } from './position.ts';

/**
 * Query failures, by Prometheus' errorType. The HTTP layer maps each to a status code in one place
 * (aggregator/api/respond.ts), as Prometheus' web/api/v1 does.
 */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

export class QueryError extends Error {
  constructor(
    readonly type: QueryErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

/**
 * A syntax error at a position (a string index), worded like Prometheus' parser: `1:5: parse error: …`, the
 * column in bytes; an empty query has no position: `unknown position: parse error: …`.
 */
export function parseError(input: string, pos: number, message: string): QueryError {
  return new QueryError('bad_data', `${startPosInput(input, pos)}: parse error: ${message}`);
}
