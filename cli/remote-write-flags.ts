import { readFileSync } from 'node:fs';
import { ConfigError } from '../agent/config/yaml-reader.ts';
import type { AggregatorConfig } from '../aggregator/config.ts';
import { DEFAULT_AGGREGATOR } from '../aggregator/config.ts';
import { readRemoteWriteFile, remoteUrlProblem, remoteWriteTo } from '../aggregator/remote/sender-config.ts';
import { formatDurationMs } from '../promql/duration.ts';
import { UsageError, type FlagSpecs, type FlagValues } from './flags.ts';

/** Remote write out (--remote-write.*) and in (--remote-write-receiver.*): README "Remote write". */
export const remoteWriteFlags = {
  'remote-write.url': { kind: 'string', description: 'forward everything stored to this remote write endpoint (Mimir, Thanos Receive, VictoriaMetrics, Prometheus), with default queue settings' },
  'remote-write.config': {
    kind: 'string',
    description: "YAML file with a remote_write: list in Prometheus' shape (url, name, remote_timeout, headers, authorization, basic_auth, queue_config)",
  },
  'storage.remote.flush-deadline': {
    kind: 'duration',
    description: 'at shutdown, how long to keep sending queued samples before dropping them',
    default: formatDurationMs(DEFAULT_AGGREGATOR.remoteFlushDeadlineMs),
  },
  'remote-write-receiver.token-file': { kind: 'string', description: 'file holding a token that POST /api/v1/write must present as Authorization: Bearer' },
} satisfies FlagSpecs;

export type RemoteWriteSettings = Pick<
  AggregatorConfig,
  'remoteWrite' | 'remoteWriteUrl' | 'remoteWriteConfigFile' | 'remoteFlushDeadlineMs' | 'remoteWriteReceiverToken'
>;

/** The remote write settings these flags make; the config and token files are read here, so mistakes stop start-up. */
export function remoteWriteFrom(values: FlagValues): RemoteWriteSettings {
  const url = values['remote-write.url'] as string | undefined;
  const file = values['remote-write.config'] as string | undefined;
  const tokenFile = values['remote-write-receiver.token-file'] as string | undefined;
  const remotes = [];
  if (file !== undefined) {
    try {
      remotes.push(...readRemoteWriteFile(file));
    } catch (err) {
      throw err instanceof ConfigError ? new UsageError(err.message) : err;
    }
  }
  if (url !== undefined) {
    const problem = remoteUrlProblem(url);
    if (problem) throw new UsageError(`--remote-write.url: ${problem}`);
    remotes.push(remoteWriteTo(url));
  }
  return {
    remoteWrite: remotes,
    ...(url !== undefined ? { remoteWriteUrl: url } : {}),
    ...(file !== undefined ? { remoteWriteConfigFile: file } : {}),
    remoteFlushDeadlineMs: values['storage.remote.flush-deadline'] as number,
    ...(tokenFile !== undefined ? { remoteWriteReceiverToken: readToken(tokenFile) } : {}),
  };
}

function readToken(file: string): string {
  let token: string;
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--remote-write-receiver.token-file ${JSON.stringify(file)}: cannot read it (${(err as Error).message})`);
  }
  if (token === '') throw new UsageError(`--remote-write-receiver.token-file ${JSON.stringify(file)}: the file is empty`);
  return token;
}
