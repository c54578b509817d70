import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../protocol/log.ts';
import type { AlertingRule } from '../../promql/rules/alerting.ts';
import type { RuleGroup } from '../../promql/rules/group.ts';
import type { SavedForState } from '../../promql/rules/restore.ts';

/** The file's content: per group key, the last save time and each active alert's activeAt by label set. */
interface FileContent {
  readonly version: 1;
  readonly groups: Record<string, { readonly downAt: number; readonly alerts: Record<string, number> }>;
}

/**
 * While alerts are active the file is rewritten at least this often, so the saved time stays close to the moment
 * the agent went down; otherwise only when an alert starts or ends (a flash card is not written at every
 * evaluation).
 */
const REFRESH_MS = 60_000;

/**
 * The activeAt of the edge alerts, kept in the agent's data directory so that a restart (a power cut, an update)
 * does not start their `for` again: what Prometheus reads back from its ALERTS_FOR_STATE series, which the agent
 * ships but does not keep. Written whole to a temporary file and renamed, so a crash leaves the old or the new one.
 */
export class ForStateFile {
  private readonly groups: Map<string, { downAt: number; alerts: Record<string, number>; fingerprint: string; writtenAt: number }>;
  private failing = false;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {
    this.groups = new Map(Object.entries(this.read()).map(([key, g]) => [key, { ...g, fingerprint: JSON.stringify(g.alerts), writtenAt: g.downAt }]));
  }

  /** What was saved for a group before this start, or undefined. */
  saved(groupKey: string): SavedForState | undefined {
    const g = this.groups.get(groupKey);
    return g && { downAt: g.downAt, activeAt: new Map(Object.entries(g.alerts)) };
  }

  /** Records a group's active alerts after its evaluation at `ts`; writes the file when something changed. */
  record(groupKey: string, group: RuleGroup, ts: number): void {
    const alerts: Record<string, number> = {};
    for (const rule of group.rules) {
      if (rule.kind !== 'alerting') continue;
      for (const [key, a] of (rule as AlertingRule).active) if (a.state !== 'inactive') alerts[key] = a.activeAt;
    }
    const fingerprint = JSON.stringify(alerts);
    const known = this.groups.get(groupKey);
    if (known === undefined && fingerprint === '{}') return;
    if (known && known.fingerprint === fingerprint && (fingerprint === '{}' || ts - known.writtenAt < REFRESH_MS)) return;
    if (fingerprint === '{}') this.groups.delete(groupKey);
    else this.groups.set(groupKey, { downAt: ts, alerts, fingerprint, writtenAt: ts });
    this.write();
  }

  private read(): FileContent['groups'] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return {}; // no file yet: nothing was active
    }
    try {
      const content = JSON.parse(text) as FileContent;
      if (content.version !== 1 || typeof content.groups !== 'object') throw new Error('not a version 1 state file');
      return content.groups;
    } catch (err) {
      this.log.warn(`edge rules: ignoring ${this.path} (${(err as Error).message}): alerts start their 'for' afresh`);
      return {};
    }
  }

  private write(): void {
    const content: FileContent = { version: 1, groups: Object.fromEntries([...this.groups].map(([key, g]) => [key, { downAt: g.downAt, alerts: g.alerts }])) };
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      writeFileSync(`${this.path}.tmp`, JSON.stringify(content));
      renameSync(`${this.path}.tmp`, this.path);
      this.failing = false;
    } catch (err) {
      // Said once per failing spell: the rules go on; only a restart would lose their pending time.
      if (!this.failing) this.log.error(`edge rules: cannot save alert state to ${this.path}: ${(err as Error).message}`);
      this.failing = true;
    }
  }
}
