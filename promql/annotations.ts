import { startPosInput } from './position.ts';

type Kind = 'warning' | 'info';

/** What AsStrings renders: each kind's messages, capped, with a summary line for the ones left out. */
export interface AnnotationStrings {
  readonly warnings: string[];
  readonly infos: string[];
}

/** How many of each kind to render; 0 means all (Prometheus' AsStrings). */
export interface AnnotationLimits {
  readonly maxWarnings: number;
  readonly maxInfos: number;
}

/**
 * Warnings and infos a query produced (Prometheus' util/annotations): returned with the result, never thrown.
 * Each may point at a place in the query (`pos`, a string index), rendered as " (line:column)" only once the
 * query text is known. Like Prometheus, which keys its map by the message before the position is added, the
 * same message from two places is one annotation, at the place added last. One made without a position (only
 * nodes built in code lack them) renders without one.
 */
export class Annotations {
  private readonly byMessage = new Map<string, { readonly kind: Kind; readonly pos: number | undefined }>();

  warn(message: string, pos?: number): void {
    this.byMessage.set(`PromQL warning: ${message}`, { kind: 'warning', pos });
  }

  info(message: string, pos?: number): void {
    this.byMessage.set(`PromQL info: ${message}`, { kind: 'info', pos });
  }

  /** The warnings' messages without positions. */
  get warnings(): ReadonlySet<string> {
    return this.messages('warning');
  }

  /** The infos' messages without positions. */
  get infos(): ReadonlySet<string> {
    return this.messages('info');
  }

  /**
   * Prometheus' Annotations.AsStrings: the messages with their positions in `query`, at most maxWarnings and
   * maxInfos of each, then "N more warning annotations omitted" / "N more info annotations omitted".
   */
  asStrings(query: string, limits: AnnotationLimits = { maxWarnings: 0, maxInfos: 0 }): AnnotationStrings {
    const out = { warning: [] as string[], info: [] as string[] };
    const skipped = { warning: 0, info: 0 };
    for (const [message, { kind, pos }] of this.byMessage) {
      const max = kind === 'warning' ? limits.maxWarnings : limits.maxInfos;
      if (max !== 0 && out[kind].length >= max) {
        skipped[kind]++;
        continue;
      }
      // Prometheus adds no position for an empty query either (annoErr.Error).
      out[kind].push(pos === undefined || query === '' ? message : `${message} (${startPosInput(query, pos)})`);
    }
    if (skipped.warning > 0) out.warning.push(`${skipped.warning} more warning annotations omitted`);
    if (skipped.info > 0) out.info.push(`${skipped.info} more info annotations omitted`);
    return { warnings: out.warning, infos: out.info };
  }

  private messages(kind: Kind): ReadonlySet<string> {
    return new Set([...this.byMessage].filter(([, a]) => a.kind === kind).map(([message]) => message));
  }
}
