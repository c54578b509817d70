import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashPassword } from '../../aggregator/ingest/credentials.ts';
import { freePort } from '../helpers/ports.ts';
import { eventually, startOutpost, stopAll, type RunningProcess } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';

/** Each agent's made-up sysfs: one hwmon chip and one thermal zone, at temperatures that tell the hosts apart. */
export const HOSTS = [
  { id: 'host-a', hwmonMilli: 45_000, zoneMilli: 38_000 },
  { id: 'host-b', hwmonMilli: 61_500, zoneMilli: 52_000 },
] as const;

export interface Rig {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly token: string;
  readonly user: string;
  readonly password: string;
  readonly dir: string;
  readonly aggregator: RunningProcess;
  /** fetch with the bearer token. */
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

function fakeSysfs(root: string, host: (typeof HOSTS)[number]): void {
  const files: Record<string, string> = {
    'class/hwmon/hwmon0/name': 'coretemp\n',
    'class/hwmon/hwmon0/temp1_input': `${host.hwmonMilli}\n`,
    'class/hwmon/hwmon0/temp1_label': 'Package id 0\n',
    'class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
    'class/thermal/thermal_zone0/policy': 'step_wise\n',
    'class/thermal/thermal_zone0/temp': `${host.zoneMilli}\n`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/**
 * A real aggregator (bearer token and Basic auth on) and two real agents collecting this host's /proc every
 * second, each with a made-up /sys for temperatures. Resolves once both have sent ten seconds of samples.
 */
export async function startRig(): Promise<Rig> {
  const tmp = tempDir('dashboard');
  const dir = tmp.path;
  const token = randomBytes(24).toString('hex');
  const user = 'viewer';
  const password = randomBytes(12).toString('base64url');
  writeFileSync(join(dir, 'tokens'), `# dashboard test\n${token}\n`);
  writeFileSync(join(dir, 'users'), `${user}:${await hashPassword(password)}\n`);
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const aggregator = startOutpost([
    'aggregator',
    '--data-dir', join(dir, 'aggregator'),
    '--http-listen', `127.0.0.1:${httpPort}`,
    '--mqtt-listen', `127.0.0.1:${mqttPort}`,
    '--http-auth-token-file', join(dir, 'tokens'),
    '--http-basic-auth-file', join(dir, 'users'),
  ]);
  await aggregator.waitFor('HTTP API and dashboard on');
  for (const host of HOSTS) {
    const sys = join(dir, `sys-${host.id}`);
    fakeSysfs(sys, host);
    startOutpost(['agent', '--id', host.id, '--broker', `mqtt://127.0.0.1:${mqttPort}`, '--data-dir', join(dir, host.id), '--interval', '1s', '--sys-path', sys]);
  }
  const get = (path: string) => fetch(url + path, { headers: { Authorization: `Bearer ${token}` } });
  const count = async (query: string) => {
    const body = (await (await get(`/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data: { result: unknown[] } };
    return body.data.result.length;
  };
  // Ten seconds of samples from both: enough points for every chart to draw lines, rates included.
  await eventually(
    async () => ((await count('count_over_time(node_hwmon_temp_celsius[1m]) >= 10')) === HOSTS.length ? true : undefined),
    60_000,
    'ten seconds of data from both agents',
  );
  return {
    url,
    token,
    user,
    password,
    dir,
    aggregator,
    get,
    async close() {
      await stopAll();
      tmp.remove();
    },
  };
}
