import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker } from '../../aggregator/ingest/broker.ts';
import { hashPassword } from '../../aggregator/ingest/credentials.ts';
import { buildAgentDist } from '../../scripts/dist/build.ts';
import { hostPlatform } from '../../scripts/dist/platforms.ts';
import type { Tarball } from '../../scripts/dist/tarball.ts';
import { captureLog, recordingIngest } from '../aggregator/ingest/broker-harness.ts';
import { eventually } from '../helpers/process.ts';
import { tempDir } from '../helpers/tmp.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What a device gets: nothing but Node.js and the unpacked tarball. The environment holds no NODE_PATH, no
 * proxy, and an npm registry nobody answers, and the unpacked tree sits in a temp directory with no node_modules
 * above it, so anything not inside the tarball cannot be found.
 */
const offline = {
  PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
  npm_config_registry: 'http://127.0.0.1:9/',
  npm_config_offline: 'true',
};

describe('npm run dist: the agent tarball', () => {
  const dir = tempDir('dist');
  const platform = hostPlatform();
  let tarball: Tarball;
  let home: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    expect(platform, `no tarball platform for ${process.platform}-${process.arch}`).toBeDefined();
    [tarball] = (await buildAgentDist({ repo: REPO, platforms: [platform!], outDir: join(dir.path, 'out') })) as [Tarball];
    home = join(dir.path, 'device');
    mkdirSync(home);
    const untar = spawnSync('tar', ['-xzf', tarball.file, '-C', home], { encoding: 'utf8' });
    expect(untar.status, untar.stderr).toBe(0);
  }, 120_000);
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    dir.remove();
  });

  const outpost = (args: string[]) => spawnSync(join(home, 'outpost-agent', 'bin', 'outpost'), args, { cwd: home, env: offline, encoding: 'utf8' });

  it('holds the bundled agent, lmdb and one native binary for its platform, and nothing of the aggregator', () => {
    const files = spawnSync('tar', ['-tzf', tarball.file], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(files.every((f) => f.startsWith('outpost-agent/'))).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['outpost-agent/bin/outpost', 'outpost-agent/lib/outpost.mjs', 'outpost-agent/agent.example.yaml', 'outpost-agent/README.txt']));
    expect(files.filter((f) => f.endsWith('.node'))).toEqual([`outpost-agent/node_modules/@lmdb/lmdb-${platform!.name}/node.napi.glibc.node`]);
    const packages = new Set(files.map((f) => /.*node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\/./.exec(f)?.[1]).filter((p) => p !== undefined));
    expect([...packages].sort()).toEqual(['@harperfast/extended-iterable', `@lmdb/lmdb-${platform!.name}`, 'detect-libc', 'lmdb', 'msgpackr', 'node-gyp-build-optional-packages', 'ordered-binary', 'weak-lru-cache']);
    const notices = readFileSync(join(home, 'outpost-agent', 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    expect(notices).toMatch(/^mqtt@/m);
    for (const aggregatorOnly of ['hono', '@hono/node-server', 'aedes', 'snappy', 'protobufjs', 'tsx']) expect(notices).not.toMatch(new RegExp(`^${aggregatorOnly}@`, 'm'));
    expect(tarball.packedBytes).toBeLessThan(tarball.unpackedBytes);
  });

  it('runs `outpost agent --help` from the unpacked tree with no network and no other node_modules', () => {
    for (let d = home; d !== '/'; d = dirname(d)) expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false);
    const help = outpost(['agent', '--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: outpost agent [flags]');
    expect(help.stdout).toContain('--password-file');
    expect(help.stdout).toMatch(/agent install\s+Install the agent as a systemd service/);
    const install = outpost(['agent', 'install', '--help']);
    expect(install.stdout).toContain('--root');
    // The aggregator is not in it.
    expect(outpost(['aggregator', '--help']).stderr).toContain('unknown command "aggregator"');
  });

  it('sends to a real broker from the tarball, and a second device with the same id is refused and told why', async () => {
    const file = join(dir.path, 'passwd');
    const passwordFile = join(dir.path, 'dist-1.password');
    writeFileSync(file, `dist-1:${await hashPassword('dist-1-secret', 10)}\n`);
    writeFileSync(passwordFile, 'dist-1-secret\n', { mode: 0o600 });
    const ingest = recordingIngest();
    const log = captureLog();
    const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, ingest, log, credentialsFile: file });
    try {
      const start = (name: string) => {
        let out = '';
        const child = spawn(
          join(home, 'outpost-agent', 'bin', 'outpost'),
          ['agent', '--id', 'dist-1', '--broker', `mqtt://127.0.0.1:${broker.port}`, '--password-file', passwordFile, '--data-dir', join(dir.path, name), '--interval', '1s'],
          { cwd: home, env: offline },
        );
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        children.push(child);
        return { child, output: () => out };
      };
      const first = start('data-1');
      await eventually(async () => (ingest.topics.some((t) => t.startsWith('outpost/v1/dist-1/metrics/')) ? true : undefined), 20_000, 'a batch from the tarball agent');
      const second = start('data-2');
      await eventually(async () => (second.output().includes('already connected elsewhere') ? true : undefined), 20_000, 'the refusal in the second agent log');
      expect(second.output()).toContain('the broker refused agent id dist-1');
      expect(log.lines.some((l) => l.includes('agent dist-1 is already connected from 127.0.0.1'))).toBe(true);
      expect(first.output()).not.toContain('refused');
      for (const c of [first.child, second.child]) c.kill('SIGINT');
      await Promise.all([first.child, second.child].map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    } finally {
      await broker.close();
    }
  }, 60_000);
});
