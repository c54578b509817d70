import { Hono } from 'hono';
import { readParams, type Params } from './params.ts';
import { ApiError, failure, success } from './respond.ts';
import { parseMatchers } from './selection.ts';

const invalid = (name: string, message: string) => new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${message}`);

/** What Go's strconv.ParseBool takes once Prometheus has lower-cased the value. */
const GO_BOOLS = new Set(['1', 't', 'true', '0', 'f', 'false']);

/** Prometheus' checks of the /api/v1/rules parameters, in its order, with its messages. */
function checkRulesParams(params: Params): void {
  parseMatchers(params.all('match[]'));
  const type = (params.get('type') ?? '').toLowerCase();
  if (type !== '' && type !== 'alert' && type !== 'record') throw invalid('type', `not supported value ${JSON.stringify(type)}`);
  const exclude = (params.get('exclude_alerts') ?? '').toLowerCase();
  if (exclude !== '' && !GO_BOOLS.has(exclude)) {
    throw invalid('exclude_alerts', `error converting exclude_alerts: strconv.ParseBool: parsing ${JSON.stringify(exclude)}: invalid syntax`);
  }
  const limit = params.get('group_limit') ?? '';
  const token = params.get('group_next_token') ?? '';
  if (token !== '' && limit === '') {
    throw invalid('group_next_token', 'group_limit needs to be present in order to paginate over the groups');
  }
  if (limit === '') return;
  const parsing = `strconv.ParseInt: parsing ${JSON.stringify(limit)}`;
  if (!/^[+-]?\d+$/.test(limit)) throw invalid('group_limit', `group_limit needs to be a valid number: ${parsing}: invalid syntax`);
  const n = BigInt(limit);
  if (n > 2n ** 31n - 1n || n < -(2n ** 31n)) throw invalid('group_limit', `group_limit needs to be a valid number: ${parsing}: value out of range`);
  if (n <= 0n) throw invalid('group_limit', 'group_limit needs to be greater than 0');
  // With no groups at all, no token can name one.
  if (token !== '') throw invalid('group_next_token', `invalid group_next_token '${token}'. were rule groups changed?`);
}

/**
 * /api/v1/rules and /api/v1/alerts in Prometheus' shape. The aggregator evaluates no rules yet, so both are
 * empty; Grafana probes them and needs a well-formed answer.
 */
export function ruleRoutes(): Hono {
  const app = new Hono();
  app.get('/api/v1/rules', async (c) => {
    try {
      checkRulesParams(await readParams(c));
      return success(c, { groups: [] });
    } catch (err) {
      return failure(c, err);
    }
  });
  app.get('/api/v1/alerts', (c) => success(c, { alerts: [] }));
  return app;
}
