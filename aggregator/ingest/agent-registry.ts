import { open, type RootDatabase } from 'lmdb';

/** What the aggregator knows about one agent; shown on the dashboard and at /api/agents. */
export interface AgentState {
  readonly agent: string;
  readonly online: boolean;
  /** Last batch or status message, ms since epoch. */
  readonly lastSeen: number | null;
  readonly lastSeq: number | null;
  readonly batches: number;
  readonly samples: number;
  readonly rejected: number;
  /** Batches received again after they were stored (a resend whose ack was lost): answered, not stored. */
  readonly duplicates: number;
}

export interface AgentRegistry {
  batchStored(agent: string, seq: number, samples: number, now: number): void;
  batchRejected(agent: string, now: number): void;
  batchDuplicate(agent: string, now: number): void;
  statusChanged(agent: string, online: boolean, now: number): void;
  list(): AgentState[];
  close(): Promise<void>;
}

/**
 * Agents' last-seen state, kept in memory and written through to LMDB without waiting: it is informational,
 * and losing the last second of it in a crash costs nothing that an agent's next batch does not restore.
 */
export async function openAgentRegistry(path: string): Promise<AgentRegistry> {
  const db: RootDatabase<AgentState, string> = open({ path });
  const agents = new Map<string, AgentState>();
  // After a restart nobody is known to be online until they reconnect and say so.
  // Entries written before `duplicates` existed count from 0.
  for (const { key, value } of db.getRange()) agents.set(key, { ...value, duplicates: value.duplicates ?? 0, online: false });

  const update = (agent: string, change: (s: AgentState) => AgentState) => {
    const before = agents.get(agent) ?? {
      agent,
      online: false,
      lastSeen: null,
      lastSeq: null,
      batches: 0,
      samples: 0,
      rejected: 0,
      duplicates: 0,
    };
    const after = change(before);
    agents.set(agent, after);
    void db.put(agent, after);
  };

  return {
    batchStored(agent, seq, samples, now) {
      update(agent, (s) => ({
        ...s,
        online: true,
        lastSeen: now,
        lastSeq: Math.max(seq, s.lastSeq ?? seq),
        batches: s.batches + 1,
        samples: s.samples + samples,
      }));
    },
    batchRejected(agent, now) {
      update(agent, (s) => ({ ...s, lastSeen: now, rejected: s.rejected + 1 }));
    },
    batchDuplicate(agent, now) {
      update(agent, (s) => ({ ...s, lastSeen: now, duplicates: s.duplicates + 1 }));
    },
    statusChanged(agent, online, now) {
      update(agent, (s) => ({ ...s, online, lastSeen: now }));
    },
    list() {
      return [...agents.values()].sort((a, b) => a.agent.localeCompare(b.agent));
    },
    async close() {
      await db.close();
    },
  };
}
