import { open, type RootDatabase } from 'lmdb';
import type { Labels } from '../../protocol/labels.ts';
import type { GroupState, RuleSnapshot } from '../../protocol/rules.ts';

/** One rule group of one agent, as its newest snapshot described it. */
export interface AgentGroup {
  readonly agent: string;
  /** The agent's external labels, as its newest snapshot gave them. */
  readonly externalLabels: Labels;
  /** When the agent took the state, ms. */
  readonly t: number;
  readonly group: GroupState;
}

export interface AlertStore {
  /** Takes an agent's rule state from a batch, in whatever order batches arrive: older states never win. */
  apply(agent: string, snapshot: RuleSnapshot): void;
  /** Every agent's groups, by agent id and then in the agent's own order. */
  groups(): AgentGroup[];
  close(): Promise<void>;
}

interface AgentEntry {
  /** Time of the newest complete snapshot: groups last described before it no longer exist. */
  completeAt: number;
  /** From the newest snapshot, with its time. */
  externalLabels: Labels;
  labelsAt: number;
  groups: { t: number; group: GroupState }[];
}

const keyOf = (g: GroupState) => `${g.file};${g.name}`;

/**
 * The agents' rule groups and alerts, kept in memory and written through to LMDB without waiting (like the agent
 * registry): an aggregator restart keeps showing and forwarding the alerts agents reported.
 *
 * Batches arrive out of order (fresh data first after an outage, resends later), so each group keeps the state with
 * the newest snapshot time, and a complete snapshot removes only groups last described before it.
 */
export async function openAlertStore(path: string): Promise<AlertStore> {
  const db: RootDatabase<AgentEntry, string> = open({ path });
  const agents = new Map<string, AgentEntry>();
  for (const { key, value } of db.getRange()) agents.set(key, value);

  return {
    apply(agent, snapshot) {
      const entry = agents.get(agent) ?? { completeAt: 0, externalLabels: {}, labelsAt: 0, groups: [] };
      if (snapshot.t < entry.completeAt && snapshot.complete) return;
      let changed = false;
      if (snapshot.t >= entry.labelsAt) {
        changed = JSON.stringify(entry.externalLabels) !== JSON.stringify(snapshot.externalLabels);
        entry.externalLabels = snapshot.externalLabels;
        entry.labelsAt = snapshot.t;
      }
      const byKey = new Map(entry.groups.map((g) => [keyOf(g.group), g]));
      for (const group of snapshot.groups) {
        const known = byKey.get(keyOf(group));
        // A group gone by a complete snapshot newer than this partial one stays gone.
        if ((known && known.t > snapshot.t) || (!known && snapshot.t < entry.completeAt)) continue;
        byKey.set(keyOf(group), { t: snapshot.t, group });
        changed = true;
      }
      if (snapshot.complete) {
        const listed = new Set(snapshot.groups.map(keyOf));
        for (const [key, g] of byKey) {
          if (!listed.has(key) && g.t < snapshot.t) {
            byKey.delete(key);
            changed = true;
          }
        }
        entry.completeAt = snapshot.t;
        // The agent's order, as its latest complete snapshot lists the groups; groups added since then last.
        const order = new Map(snapshot.groups.map((g, i) => [keyOf(g), i]));
        const rank = (key: string) => order.get(key) ?? Infinity;
        entry.groups = [...byKey.entries()].sort(([a], [b]) => rank(a) - rank(b)).map(([, g]) => g);
      } else {
        entry.groups = [...byKey.values()];
      }
      if (!changed && !snapshot.complete) return;
      agents.set(agent, entry);
      void db.put(agent, entry);
    },
    groups() {
      return [...agents.keys()]
        .sort()
        .flatMap((agent) => {
          const entry = agents.get(agent) as AgentEntry;
          return entry.groups.map((g) => ({ agent, externalLabels: entry.externalLabels ?? {}, t: g.t, group: g.group }));
        });
    },
    async close() {
      await db.close();
    },
  };
}
