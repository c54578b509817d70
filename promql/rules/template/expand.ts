import type { Labels } from '../../../protocol/labels.ts';
import { GO_BUILTINS } from './builtins.ts';
import { executeTemplate, type TemplateFunc } from './exec.ts';
import { GoMap, GoStruct, type GoValue } from './go-values.ts';
import { TemplateError } from './lex.ts';
import { parseTemplate, type Node } from './parse.ts';
import { prometheusFuncs, type TemplateEnv } from './prometheus-funcs.ts';

export { TemplateError } from './lex.ts';
export type { TemplateEnv, TemplateSample } from './prometheus-funcs.ts';

/**
 * The variables Prometheus defines before every alert label and annotation, on the template's first line so that
 * line numbers in errors stay the user's.
 */
const DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

const FUNC_NAMES: ReadonlySet<string> = new Set([...GO_BUILTINS.keys(), ...prometheusFuncs({ ts: 0, externalURL: '' }).keys()]);

/** The data an alert's templates see. */
export interface AlertTemplateData {
  readonly labels: Labels;
  readonly externalLabels: Labels;
  readonly externalURL: string;
  readonly value: number;
}

/** A label or annotation template of one alerting rule, parsed once when the rule is loaded. */
export interface AlertTemplate {
  readonly text: string;
  /** The expanded text, or Prometheus' `<error expanding template: …>` when execution fails. */
  expand(data: AlertTemplateData, env: TemplateEnv): string;
}

/**
 * Parses `text` as Prometheus would for alerting rule `ruleName` (template name `__alert_<name>`). Throws
 * TemplateError for what Go's parser refuses and for the Go template features Outpost does not implement.
 */
export function compileAlertTemplate(ruleName: string, text: string): AlertTemplate {
  const name = `__alert_${ruleName}`;
  // Text without an action cannot fail or differ from itself: most label values are plain.
  if (!text.includes('{{')) return { text, expand: () => text };
  const nodes: Node[] = parseTemplate(name, DEFS + text, FUNC_NAMES);
  return {
    text,
    expand(data, env) {
      const funcs = new Map<string, TemplateFunc>([...GO_BUILTINS, ...prometheusFuncs(env)]);
      const root = new GoStruct(
        'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }',
        new Map<string, GoValue>([
          ['Labels', GoMap.ofStrings(data.labels)],
          ['ExternalLabels', GoMap.ofStrings(data.externalLabels)],
          ['ExternalURL', data.externalURL],
          ['Value', data.value],
        ]),
      );
      try {
        return executeTemplate(name, nodes, root, funcs);
      } catch (err) {
        const message = err instanceof TemplateError ? err.message : String(err);
        return `<error expanding template: error executing template ${name}: ${message}>`;
      }
    },
  };
}

/** Whether `text` parses as an alert template: the load-time check (rulefmt's testTemplateParsing). */
export function templateProblem(ruleName: string, text: string): string | undefined {
  try {
    compileAlertTemplate(ruleName, text);
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    throw err;
  }
}
