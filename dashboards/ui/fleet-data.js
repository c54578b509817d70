// The fleet overview's rows: the agent registry (/api/agents) joined with the agents' own metrics and the
// firing alerts, by agent id (the `instance` label of an agent's series). No DOM: tested in Node.
import { toNumber } from './format.js';

/** Instant-query PromQL for each column; the series carry `instance`, the agent's id. */
export const FLEET_QUERIES = {
  queueBatches: 'outpost_agent_queue_batches',
  queueBytes: 'outpost_agent_queue_bytes',
  oldestQueued: 'outpost_agent_queue_oldest_age_seconds',
  cpu: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m])))',
  memory: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
};

/** instance → value of an instant vector; a query that failed or found nothing gives an empty map. */
export function byInstance(vector) {
  const out = new Map();
  for (const s of vector || []) {
    const id = s.metric && s.metric.instance;
    if (id !== undefined) out.set(id, toNumber(s.value[1]));
  }
  return out;
}

/** One row per registered agent, sorted by id; a metric the agent did not report is null. */
export function fleetRows(agents, vectors, firing) {
  const maps = Object.fromEntries(Object.keys(FLEET_QUERIES).map((k) => [k, byInstance(vectors[k])]));
  return [...(agents || [])]
    .sort((a, b) => String(a.agent).localeCompare(String(b.agent)))
    .map((a) => ({
      agent: a.agent,
      online: Boolean(a.online),
      lastSeen: a.lastSeen,
      batches: a.batches,
      samples: a.samples,
      firing: firing.get(a.agent) ?? 0,
      ...Object.fromEntries(Object.keys(FLEET_QUERIES).map((k) => [k, maps[k].get(a.agent) ?? null])),
    }));
}

/** The summary above the table; every firing alert counts, also those about no agent in the list. */
export function fleetTotals(rows, alerts) {
  return {
    agents: rows.length,
    online: rows.filter((r) => r.online).length,
    firing: (alerts || []).filter((a) => a.state === 'firing').length,
    queuedBatches: rows.reduce((n, r) => n + (r.queueBatches ?? 0), 0),
  };
}
