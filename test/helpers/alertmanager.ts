import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { startPeerServer, type RunningPeer } from './peer-server.ts';

export interface RunningAlertmanager extends RunningPeer {
  /** GET /api/v2/alerts: the alerts Alertmanager holds now. */
  alerts(): Promise<{ labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; status: { state: string } }[]>;
  stop(): Promise<void>;
}

/** Alertmanager's smallest config: every alert goes to a receiver that notifies nobody. */
const CONFIG = "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n";

/**
 * Debian's prometheus-alertmanager on a free loopback port with its own storage dir and clustering off; resolves
 * once /-/ready answers.
 */
export async function startAlertmanager(binary: string, dir: string): Promise<RunningAlertmanager> {
  const port = await freePort();
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, CONFIG);
  const args = [`--config.file=${configFile}`, `--storage.path=${join(dir, 'am-data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='];
  const peer = await startPeerServer('alertmanager', binary, args, port);
  return {
    ...peer,
    alerts: async () => (await (await fetch(`${peer.url}/api/v2/alerts`)).json()) as Awaited<ReturnType<RunningAlertmanager['alerts']>>,
  };
}
