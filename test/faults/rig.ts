import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCredentialsFile } from '../../aggregator/ingest/credentials-file.ts';
import { hashPassword } from '../../aggregator/ingest/credentials.ts';
import { mosquitto, mosquittoBinary, type RunningMosquitto } from '../helpers/mosquitto.ts';
import { freePort } from '../helpers/ports.ts';
import { startOutpost, stopAll, type RunningProcess } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';
import type { CounterTarget } from './counter-target.ts';

/** Which broker sits between agents and aggregator: the aggregator's own aedes, or mosquitto with the shipped files. */
export type BrokerKind = 'embedded' | 'mosquitto';
export const BROKER_KINDS: readonly BrokerKind[] = ['embedded', 'mosquitto'];

/** The agent ids a rig can run; each has a password in the rig's credentials file. */
export const AGENTS = ['pi-1', 'pi-2', 'pi-3'] as const;
export type AgentId = (typeof AGENTS)[number];
const INGEST_USER = 'outpost-aggregator';

/** Short enough to keep the suite quick, long enough for a busy two-core machine. */
export const ACK_TIMEOUT = '2s';
export const INTERVAL = '200ms';

export interface AggregatorOptions {
  /** A second aggregator of a shared group (mosquitto only) gets its own data dir and HTTP port. */
  readonly worker?: number;
  readonly sharedGroup?: string;
}

export interface AgentOptions {
  readonly extraArgs?: readonly string[];
}

/**
 * Real processes on loopback for one fault test: a credentials file that both brokers read, the broker (mosquitto
 * runs apart from the aggregator; aedes lives inside it), aggregators and agents. Everything is stopped by pid.
 */
export interface Rig {
  readonly kind: BrokerKind;
  /** What agents dial. */
  readonly brokerUrl: string;
  readonly passwords: Readonly<Record<string, string>>;
  /** The HTTP API of aggregator `worker`. */
  api(worker?: number): string;
  startAggregator(opts?: AggregatorOptions): Promise<RunningProcess>;
  aggregator(worker?: number): RunningProcess;
  /** Takes the broker away: stops the aggregator (aedes is inside it), or kills mosquitto. */
  brokerDown(): Promise<void>;
  brokerUp(): Promise<void>;
  /** Takes ingest away: stops the aggregator. With mosquitto the broker stays up and queues for its session. */
  ingestDown(signal?: NodeJS.Signals): Promise<void>;
  ingestUp(): Promise<RunningProcess>;
  startAgent(id: AgentId, target: CounterTarget, opts?: AgentOptions): RunningProcess;
  /** What the broker logged (mosquitto), or the aggregator's output (aedes). */
  brokerLog(): string;
  close(): Promise<void>;
}

/** False when the broker kind cannot run here (mosquitto missing: skipped loudly, a failure under CI=true). */
export function rigAvailable(kind: BrokerKind): boolean {
  return kind === 'embedded' || mosquittoBinary() !== undefined;
}

export async function openRig(kind: BrokerKind): Promise<Rig> {
  const dir = tempDir(`faults-${kind}`);
  const passwords: Record<string, string> = Object.fromEntries([...AGENTS, INGEST_USER].map((u) => [u, `${u}-secret-${process.pid}`]));
  const passwd = join(dir.path, 'passwd');
  // A low iteration count: the format and the check are the same, the test stays quick.
  const lines = await Promise.all(Object.entries(passwords).map(async ([u, p]) => `${u}:${await hashPassword(p, 100)}`));
  writeCredentialsFile(passwd, `${lines.join('\n')}\n`);
  const passwordFile = (user: string) => {
    const file = join(dir.path, `${user}.password`);
    writeFileSync(file, passwords[user] as string, { mode: 0o600 });
    return file;
  };

  const mqttPort = await freePort();
  const httpPorts = [await freePort(), await freePort()];
  const broker: RunningMosquitto | undefined =
    kind === 'mosquitto' ? mosquitto({ binary: mosquittoBinary() as string, dir: dir.path, port: mqttPort, passwordFile: passwd }) : undefined;
  await broker?.start();
  const aggregators: (RunningProcess | undefined)[] = [];
  const lastOptions: AggregatorOptions[] = [];

  const rig: Rig = {
    kind,
    brokerUrl: `mqtt://127.0.0.1:${mqttPort}`,
    passwords,
    api: (worker = 0) => `http://127.0.0.1:${httpPorts[worker]}`,
    async startAggregator(opts = {}) {
      const worker = opts.worker ?? 0;
      lastOptions[worker] = opts;
      const ingest =
        kind === 'embedded'
          ? ['--mqtt-listen', `127.0.0.1:${mqttPort}`, '--mqtt-credentials', passwd]
          : [
              '--mqtt-broker', rig.brokerUrl,
              '--mqtt-broker-password-file', passwordFile(INGEST_USER),
              ...(opts.sharedGroup !== undefined ? ['--mqtt-shared-group', opts.sharedGroup, '--mqtt-broker-client-id', `outpost-worker-${worker}`] : []),
            ];
      const proc = startOutpost(['aggregator', '--data-dir', join(dir.path, `aggregator-${worker}`), '--http-listen', `127.0.0.1:${httpPorts[worker]}`, ...ingest]);
      aggregators[worker] = proc;
      await proc.waitFor('HTTP API and dashboard on');
      return proc;
    },
    aggregator(worker = 0) {
      const proc = aggregators[worker];
      if (!proc) throw new Error(`aggregator ${worker} was not started`);
      return proc;
    },
    async brokerDown() {
      if (broker) await broker.stop();
      else await rig.aggregator().stop('SIGINT');
    },
    async brokerUp() {
      if (broker) await broker.start();
      else await rig.startAggregator(lastOptions[0]);
    },
    async ingestDown(signal = 'SIGINT') {
      await rig.aggregator().stop(signal);
    },
    ingestUp: () => rig.startAggregator(lastOptions[0]),
    startAgent(id, target, opts = {}) {
      const agentDir = join(dir.path, `agent-${id}`);
      mkdirSync(agentDir, { recursive: true });
      const config = join(agentDir, 'agent.yaml');
      writeFileSync(
        config,
        [
          'agent:',
          `  id: ${id}`,
          `  data_dir: ${join(agentDir, 'data')}`,
          'host:',
          '  enabled: false',
          'scrape_configs:',
          '  - job_name: fault',
          '    scrape_interval: 250ms',
          '    scrape_timeout: 250ms',
          `    static_configs: [{targets: ["${target.address}"]}]`,
          '',
        ].join('\n'),
      );
      return startOutpost([
        'agent', '--config', config, '--broker', rig.brokerUrl, '--password-file', passwordFile(id),
        '--interval', INTERVAL, '--ack-timeout', ACK_TIMEOUT, ...(opts.extraArgs ?? []),
      ]);
    },
    brokerLog: () => broker?.log() ?? aggregators.map((a) => a?.output() ?? '').join(''),
    async close() {
      await stopAll();
      await broker?.stop();
      dir.remove();
    },
  };
  return rig;
}
