import { groupKey, writtenSeries, type GroupEnv, type RuleGroup } from './group.ts';

export interface RuleManagerOptions {
  readonly env: GroupEnv;
  readonly now: () => number;
  /** Told after each group evaluation (the agent ships the group's state from here). */
  readonly onEvaluated?: (group: RuleGroup) => void;
}

export interface RuleManager {
  /**
   * Runs `groups` instead of the current ones. A group with the same file and name takes over its predecessor's
   * alerts and written series; series of groups that are gone are marked stale now.
   */
  update(groups: readonly RuleGroup[]): void;
  groups(): readonly RuleGroup[];
  /** Evaluates one group at `ts` as its timer would (tests and `outpost rules test` drive groups this way). */
  evaluate(group: RuleGroup, ts: number): void;
  stop(): void;
}

/**
 * Schedules each group on its own grid (RuleGroup.evalTimestamp): the first evaluation at the first slot after
 * the start, then every interval; slots missed while the process was busy are skipped, never run late in a burst.
 */
export function createRuleManager({ env, now, onEvaluated }: RuleManagerOptions): RuleManager {
  let running: { group: RuleGroup; timer: NodeJS.Timeout | undefined }[] = [];
  let stopped = false;

  const evaluate = (group: RuleGroup, ts: number) => {
    group.eval(ts, env);
    onEvaluated?.(group);
  };

  function start(group: RuleGroup) {
    const entry = { group, timer: undefined as NodeJS.Timeout | undefined };
    let next = group.evalTimestamp(now()) + group.intervalMs;
    const tick = () => {
      const t = now();
      if (t - next >= group.intervalMs) next += Math.floor((t - next) / group.intervalMs) * group.intervalMs;
      evaluate(group, next);
      next += group.intervalMs;
      if (!stopped) entry.timer = setTimeout(tick, Math.max(0, next - now()));
    };
    entry.timer = setTimeout(tick, Math.max(0, next - now()));
    return entry;
  }

  return {
    update(groups) {
      const old = new Map(running.map((r) => [groupKey(r.group.file, r.group.name), r]));
      for (const r of running) clearTimeout(r.timer);
      for (const g of groups) {
        const before = old.get(groupKey(g.file, g.name));
        if (before) {
          g.copyState(before.group);
          old.delete(groupKey(g.file, g.name));
        }
      }
      const gone = [...old.values()].flatMap((r) => writtenSeries(r.group));
      if (gone.length > 0) {
        const t = now();
        env.append(gone.map((labels) => ({ labels, t, v: NaN, stale: true })));
      }
      running = stopped ? [] : groups.map(start);
    },
    groups: () => running.map((r) => r.group),
    evaluate,
    stop() {
      stopped = true;
      for (const r of running) clearTimeout(r.timer);
    },
  };
}
