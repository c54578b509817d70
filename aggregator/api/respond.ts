import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { QueryError, type QueryErrorType } from '../../promql/errors.ts';

export type ApiErrorType = QueryErrorType | 'not_found';

/** The one place an error type becomes an HTTP status, as in Prometheus' web/api/v1. */
const STATUS: Record<ApiErrorType, ContentfulStatusCode> = {
  bad_data: 400,
  not_found: 404,
  execution: 422,
  canceled: 499 as ContentfulStatusCode,
  timeout: 503,
  internal: 500,
};

export class ApiError extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function success(c: Context, data: unknown, extra: Record<string, unknown> = {}) {
  return c.json({ status: 'success', data, ...extra });
}

/** Prometheus' error body: `{"status":"error","errorType":"bad_data","error":"…"}`. */
export function failure(c: Context, err: unknown) {
  const { type, message } =
    err instanceof ApiError || err instanceof QueryError
      ? { type: err.type, message: err.message }
      : { type: 'internal' as const, message: (err as Error)?.message ?? String(err) };
  return c.json({ status: 'error', errorType: type, error: message }, STATUS[type]);
}
