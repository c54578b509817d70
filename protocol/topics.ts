/**
 * MQTT topic layout, one subtree per agent so a broker ACL can confine each agent to its own id:
 *   outpost/v1/<agent>/metrics/<seq>  agent → aggregator  CBOR Batch, QoS 1; the seq in the topic lets the
 *                               aggregator answer even a batch whose payload it cannot decode
 *   outpost/v1/<agent>/ack      aggregator → agent  CBOR Ack, QoS 1
 *   outpost/v1/<agent>/status   agent → everyone    CBOR Status, QoS 1, retained; also the agent's Last Will
 *   outpost/v1/<agent>/alerts   agent → aggregator  reserved for edge alerts
 */
export const TOPIC_ROOT = 'outpost/v1';

export type TopicKind = 'metrics' | 'ack' | 'status' | 'alerts';
const KINDS: readonly TopicKind[] = ['metrics', 'ack', 'status', 'alerts'];

// No MQTT wildcards or level separators, so an id is always exactly one topic level.
const AGENT_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidAgentId(id: string): boolean {
  return AGENT_ID_RE.test(id);
}

export const AGENT_ID_RULE = '1-64 characters: letters, digits, "_", "." and "-", starting with a letter or digit';

/**
 * The MQTT client id an agent connects with. A broker that checks passwords insists on it: sessions are keyed by
 * client id, so an agent choosing another's would take over that session and its subscriptions.
 */
export function agentClientId(agent: string): string {
  return `outpost-agent-${agent}`;
}

export function topicFor(agent: string, kind: Exclude<TopicKind, 'metrics'>): string {
  return `${TOPIC_ROOT}/${agent}/${kind}`;
}

export function metricsTopic(agent: string, seq: number): string {
  return `${TOPIC_ROOT}/${agent}/metrics/${seq}`;
}

/** The subscription that matches one kind of topic for every agent. */
export function allAgents(kind: TopicKind): string {
  return kind === 'metrics' ? `${TOPIC_ROOT}/+/metrics/+` : `${TOPIC_ROOT}/+/${kind}`;
}

export interface ParsedTopic {
  readonly agent: string;
  readonly kind: TopicKind;
  /** Only on metrics topics. */
  readonly seq?: number;
}

export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split('/');
  if (parts.length < 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const agent = parts[2] as string;
  const kind = parts[3] as TopicKind;
  if (!isValidAgentId(agent) || !KINDS.includes(kind)) return undefined;
  if (kind !== 'metrics') return parts.length === 4 ? { agent, kind } : undefined;
  const seqText = parts[4];
  if (parts.length !== 5 || seqText === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(seqText)) return undefined;
  const seq = Number(seqText);
  return Number.isSafeInteger(seq) ? { agent, kind, seq } : undefined;
}
