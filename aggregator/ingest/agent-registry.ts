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

/**
 * `arrival` numbers the messages in the order ingest received them. Storing a batch takes a while: a batch that
 * arrived before the agent said "offline" (its last ones, as it shut down) must not mark it online again when its
 * store completes after that status.
 */
export interface AgentRegistry {
  batchStored(agent: string, seq: number, samples: number, now: number, arrival: number): void;
  batchRejected(agent: string, now: number): void;
  batchDuplicate(agent: string, now: number): void;
  statusChanged(agent: string, online: boolean, now: number, arrival: number): void;
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
  /** Per agent, the arrival number of its latest status message. */
  const statusArrival = new Map<string, number>();
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
    batchStored(agent, seq, samples, now, arrival) {
      update(agent, (s) => ({
        ...s,
        online: arrival > (statusArrival.get(agent) ?? 0) ? true : s.online,
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
    statusChanged(agent, online, now, arrival) {
      statusArrival.set(agent, arrival);
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
