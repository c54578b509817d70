import { Hono } from 'hono';
import { readParams, type Params } from './params.ts';
import { ApiError, failure, success } from './respond.ts';
import { matchesAll, type Matcher } from '../../promql/matcher.ts';
import { apiAlert, apiGroup, apiRule, groupToken, isActive, NO_RULES, withAgent, type RulesSource } from './rules-view.ts';
import { parseMatchers } from './selection.ts';

const invalid = (name: string, message: string) => new ApiError('bad_data', `invalid parameter ${JSON.stringify(name)}: ${message}`);

/** What Go's strconv.ParseBool takes once Prometheus has lower-cased the value. */
const GO_BOOLS = new Set(['1', 't', 'true', '0', 'f', 'false']);

interface RulesQuery {
  readonly matcherSets: Matcher[][];
  readonly returnAlerts: boolean;
  readonly returnRecording: boolean;
  readonly excludeAlerts: boolean;
  /** 0: no pagination. */
  readonly groupLimit: number;
  readonly nextToken: string;
}

/** Prometheus' checks of the /api/v1/rules parameters, in its order, with its messages. */
function readRulesQuery(params: Params): RulesQuery {
  const matcherSets = parseMatchers(params.all('match[]'));
  const type = (params.get('type') ?? '').toLowerCase();
  if (type !== '' && type !== 'alert' && type !== 'record') throw invalid('type', `not supported value ${JSON.stringify(type)}`);
  const exclude = (params.get('exclude_alerts') ?? '').toLowerCase();
  if (exclude !== '' && !GO_BOOLS.has(exclude)) {
    throw invalid('exclude_alerts', `error converting exclude_alerts: strconv.ParseBool: parsing ${JSON.stringify(exclude)}: invalid syntax`);
  }
  const base = { matcherSets, returnAlerts: type !== 'record', returnRecording: type !== 'alert', excludeAlerts: ['1', 't', 'true'].includes(exclude) };
  const limit = params.get('group_limit') ?? '';
  const token = params.get('group_next_token') ?? '';
  if (token !== '' && limit === '') {
    throw invalid('group_next_token', 'group_limit needs to be present in order to paginate over the groups');
  }
  if (limit === '') return { ...base, groupLimit: 0, nextToken: '' };
  const parsing = `strconv.ParseInt: parsing ${JSON.stringify(limit)}`;
  if (!/^[+-]?\d+$/.test(limit)) throw invalid('group_limit', `group_limit needs to be a valid number: ${parsing}: invalid syntax`);
  const n = BigInt(limit);
  if (n > 2n ** 31n - 1n || n < -(2n ** 31n)) throw invalid('group_limit', `group_limit needs to be a valid number: ${parsing}: value out of range`);
  if (n <= 0n) throw invalid('group_limit', 'group_limit needs to be greater than 0');
  return { ...base, groupLimit: Number(n), nextToken: token };
}

/** Prometheus' rules() handler over every group the source knows, filtered and paginated as Prometheus does. */
function listRules(source: RulesSource, q: RulesQuery, params: Params) {
  const names = new Set(params.all('rule_name[]'));
  const groupNames = new Set(params.all('rule_group[]'));
  const files = new Set(params.all('file[]'));
  const out: unknown[] = [];
  let next: string | undefined;
  let foundToken = false;
  for (const view of source.groups()) {
    if (q.groupLimit > 0 && q.nextToken !== '' && !foundToken) {
      if (q.nextToken !== groupToken(view)) continue;
      foundToken = true;
    }
    if (groupNames.size > 0 && !groupNames.has(view.group.name)) continue;
    if (files.size > 0 && !files.has(view.group.file)) continue;
    const rules = view.group.rules
      .filter((r) => q.matcherSets.length === 0 || q.matcherSets.some((set) => matchesAll(withAgent(r.labels, view.agent), set)))
      .filter((r) => names.size === 0 || names.has(r.name))
      .filter((r) => (r.type === 'alerting' ? q.returnAlerts : q.returnRecording))
      .map((r) => apiRule(r, view.agent, q.excludeAlerts));
    if (rules.length === 0) continue;
    if (q.groupLimit > 0 && out.length === q.groupLimit) {
      next = groupToken(view);
      break;
    }
    out.push(apiGroup(view, rules));
  }
  if (q.groupLimit > 0 && q.nextToken !== '' && !foundToken) {
    throw invalid('group_next_token', `invalid group_next_token '${q.nextToken}'. were rule groups changed?`);
  }
  return next === undefined ? { groups: out } : { groups: out, groupNextToken: next };
}

/** /api/v1/rules and /api/v1/alerts in Prometheus' shape, over the aggregator's rules and every agent's. */
export function ruleRoutes(source: RulesSource = NO_RULES): Hono {
  const app = new Hono();
  app.get('/api/v1/rules', async (c) => {
    try {
      const params = await readParams(c);
      return success(c, listRules(source, readRulesQuery(params), params));
    } catch (err) {
      return failure(c, err);
    }
  });
  app.get('/api/v1/alerts', (c) => {
    const alerts = source.groups().flatMap((view) =>
      view.group.rules.flatMap((r) => (r.alerts ?? []).filter(isActive).map((a) => apiAlert(a, view.agent))),
    );
    return success(c, { alerts });
  });
  return app;
}
