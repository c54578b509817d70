import { join } from 'node:path';
import type { Hono } from 'hono';
import protobuf from 'protobufjs/minimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../aggregator/http/app.ts';
import { openAgentRegistry, type AgentRegistry } from '../../../aggregator/ingest/agent-registry.ts';
import { encodeWriteRequest, type OutgoingSeries } from '../../../aggregator/remote/encode-write-request.ts';
import { createRemoteWriteReceiver, type ReceiverOptions, type RemoteWriteReceiver } from '../../../aggregator/remote/receiver.ts';
import { compressBlock } from '../../../aggregator/remote/snappy-block.ts';
import { openLmdbStore } from '../../../aggregator/store/lmdb-store.ts';
import type { AppendOutcome, Storage } from '../../../aggregator/store/storage.ts';
import type { Sample } from '../../../protocol/batch.ts';
import type { Labels } from '../../../protocol/labels.ts';
import type { Logger } from '../../../protocol/log.ts';
import { DEFAULT_ENGINE } from '../../../promql/engine.ts';
import { tempDir } from '../../helpers/tmp.ts';

const NOW = 1_700_000_000_000;
const HEADERS = {
  'Content-Encoding': 'snappy',
  'Content-Type': 'application/x-protobuf',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
};

let dir: ReturnType<typeof tempDir>;
let storage: Storage;
let registry: AgentRegistry;
let lines: string[];
let forwarded: { series: readonly Labels[]; samples: readonly Sample[] }[];
const log: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };

beforeEach(async () => {
  dir = tempDir('remote-write');
  storage = await openLmdbStore(join(dir.path, 'store'));
  registry = await openAgentRegistry(join(dir.path, 'agents'));
  lines = [];
  forwarded = [];
});

afterEach(async () => {
  await storage.close();
  await registry.close();
  dir.remove();
});

function receiverOver(store: Pick<Storage, 'appendSamples'>, opts: Partial<ReceiverOptions> = {}): RemoteWriteReceiver {
  return createRemoteWriteReceiver(store, { log, now: () => NOW, onStored: (series, samples) => forwarded.push({ series, samples }), ...opts });
}

function appOver(receiver: RemoteWriteReceiver): Hono {
  return createApp({ storage, registry, now: () => NOW, engine: DEFAULT_ENGINE, ready: () => true, remoteWrite: receiver.routes });
}

const post = (app: Hono, body: Uint8Array, headers: Record<string, string> = HEADERS) =>
  app.request('/api/v1/write', { method: 'POST', body: new Uint8Array(body), headers });
const write = (app: Hono, series: OutgoingSeries[]) => post(app, compressBlock(encodeWriteRequest(series)));

async function instant(app: Hono, query: string, time: number) {
  const res = await app.request(`/api/v1/query?${new URLSearchParams({ query, time: String(time / 1000) })}`);
  return ((await res.json()) as { data: { result: { metric: Labels; value: [number, string] }[] } }).data.result;
}

const everything = () => storage.series([]);
const good: OutgoingSeries = {
  labels: { __name__: 'rw_temp', job: 'prom', instance: 'h1' },
  samples: [
    { t: NOW - 30_000, v: 21.5, stale: false },
    { t: NOW - 15_000, v: 22.25, stale: false },
  ],
};

describe('POST /api/v1/write', () => {
  it('stores a good request, answers 204 with no body, and the samples are queryable', async () => {
    const receiver = receiverOver(storage);
    const app = appOver(receiver);
    const res = await write(app, [
      good,
      { labels: { __name__: 'rw_gone', job: 'prom' }, samples: [{ t: NOW - 20_000, v: 1, stale: false }, { t: NOW - 10_000, v: NaN, stale: true }] },
    ]);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await instant(app, 'rw_temp', NOW)).toEqual([{ metric: good.labels, value: [NOW / 1000, '22.25'] }]);
    expect(await instant(app, 'rw_temp', NOW - 20_000)).toEqual([{ metric: good.labels, value: [(NOW - 20_000) / 1000, '21.5'] }]);
    // The stale marker ends rw_gone: present before it, absent after it.
    expect(await instant(app, 'rw_gone', NOW - 15_000)).toHaveLength(1);
    expect(await instant(app, 'rw_gone', NOW)).toEqual([]);
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]?.samples.map((s) => s.stale)).toEqual([false, false, false, true]);
    expect(receiver.counters).toMatchObject({ requests: 1, requestsAccepted: 1, samplesReceived: 4, samplesStored: 4 });
  });

  it('keeps exemplars and metadata out without failing the request', async () => {
    const w = protobuf.Writer.create();
    w.uint32(10).fork();
    w.uint32(10).fork().uint32(10).string('__name__').uint32(18).string('rw_ex').ldelim();
    w.uint32(18).fork().uint32(9).double(3).uint32(16).int64(NOW).ldelim();
    w.uint32(26).fork().uint32(17).double(1).uint32(24).int64(NOW).ldelim();
    w.ldelim();
    w.uint32(26).fork().uint32(8).uint32(2).uint32(18).string('rw_ex').ldelim();
    const receiver = receiverOver(storage);
    expect((await post(appOver(receiver), compressBlock(w.finish()))).status).toBe(204);
    expect(everything()).toEqual([{ __name__: 'rw_ex' }]);
    expect(receiver.counters).toMatchObject({ exemplarsIgnored: 1, metadataIgnored: 1, samplesStored: 1 });
  });

  it('refuses a body that is not snappy with 400 and the reason, storing nothing', async () => {
    const receiver = receiverOver(storage);
    const res = await post(appOver(receiver), encodeWriteRequest([good]));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^snappy: corrupt input.*\n$/);
    expect(everything()).toEqual([]);
    expect(forwarded).toEqual([]);
    expect(receiver.counters.requestsRefused.bad_snappy).toBe(1);
  });

  it('refuses snappy around something that is not a WriteRequest with 400, storing nothing', async () => {
    // A valid first series, then bytes that break the message: nothing of it may be stored.
    const body = Buffer.concat([encodeWriteRequest([good]), Buffer.from([0x0a, 0x7f, 0x01])]);
    const receiver = receiverOver(storage);
    const res = await post(appOver(receiver), compressBlock(body));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^protobuf: cannot decode prometheus.WriteRequest at byte \d+: /);
    expect(everything()).toEqual([]);
    expect(forwarded).toEqual([]);
    expect(receiver.counters.requestsRefused.bad_protobuf).toBe(1);
  });

  it.each([
    ['an invalid metric name', { __name__: '0bad', job: 'x' }, /invalid metric name "0bad"/],
    ['no metric name', { job: 'x' }, /no __name__ label/],
    ['an invalid label name', { __name__: 'm', 'bad-name': 'x' }, /invalid label name "bad-name"/],
  ])('answers 400 for a series with %s, naming it and counting its samples, and stores the valid series', async (_, labels, reason) => {
    const receiver = receiverOver(storage);
    const app = appOver(receiver);
    const res = await write(app, [{ labels, samples: [{ t: NOW, v: 1, stale: false }, { t: NOW + 1, v: 2, stale: false }] }, good]);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(/^2 samples of series with invalid labels were not stored: invalid labels for series /);
    expect(text).toMatch(reason);
    expect(everything()).toEqual([good.labels]);
    expect(receiver.counters.samplesRefused.invalidLabels).toBe(2);
    expect(receiver.counters.requestsPartial).toBe(1);
  });

  it('answers 400 for repeated and empty label names; drops labels with empty values', async () => {
    const w = protobuf.Writer.create();
    const series = (pairs: [string, string][]) => {
      w.uint32(10).fork();
      for (const [n, v] of pairs) w.uint32(10).fork().uint32(10).string(n).uint32(18).string(v).ldelim();
      w.uint32(18).fork().uint32(9).double(1).uint32(16).int64(NOW).ldelim().ldelim();
    };
    series([['__name__', 'm'], ['a', '1'], ['a', '2']]);
    series([['__name__', 'm'], ['', 'x']]);
    series([['__name__', 'm'], ['empty', ''], ['b', '1']]);
    const res = await post(appOver(receiverOver(storage)), compressBlock(w.finish()));
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toContain('duplicate label name "a"');
    expect(text).toContain('a label name is empty');
    expect(everything()).toEqual([{ __name__: 'm', b: '1' }]);
  });

  it('reports samples the store refused as too old or over the series limit, after storing the rest', async () => {
    const calls: number[] = [];
    const fake: Pick<Storage, 'appendSamples'> = {
      async appendSamples(source, _series, samples) {
        calls.push(samples.length);
        expect(source).toBe('remote_write');
        return { status: 'stored', samples: samples.length - 5, newSeries: 1, tooOld: 3, seriesLimited: 2 } satisfies AppendOutcome;
      },
    };
    const receiver = receiverOver(fake);
    const samples = Array.from({ length: 8 }, (_, i) => ({ t: NOW - 1000 * i, v: i, stale: false }));
    const res = await write(appOver(receiver), [{ labels: good.labels, samples }]);
    expect(res.status).toBe(400);
    expect((await res.text()).split('\n')).toEqual([
      "out of bounds: 3 samples older than the store's out-of-order window were not stored",
      '2 samples of new series were not stored: the series limit for source "remote_write" is reached',
      '',
    ]);
    expect(calls).toEqual([8]);
    expect(receiver.counters).toMatchObject({ samplesStored: 3, samplesRefused: { tooOld: 3, seriesLimited: 2 } });
  });

  it('refuses samples more than 10m ahead of its clock as out of bounds', async () => {
    const res = await write(appOver(receiverOver(storage)), [
      { labels: good.labels, samples: [{ t: NOW + 600_000, v: 1, stale: false }, { t: NOW + 600_001, v: 2, stale: false }] },
    ]);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("out of bounds: 1 samples more than 10m ahead of the receiver's clock were not stored\n");
    expect(everything()).toEqual([good.labels]);
  });

  it('stores the float samples of a request with native histograms and answers 400 for the histograms', async () => {
    const w = protobuf.Writer.create();
    w.uint32(10).fork().uint32(10).fork().uint32(10).string('__name__').uint32(18).string('h').ldelim();
    w.uint32(34).fork().uint32(8).uint64(1).uint32(120).int64(NOW).ldelim().ldelim();
    const body = Buffer.concat([w.finish(), encodeWriteRequest([good])]);
    const receiver = receiverOver(storage);
    const res = await post(appOver(receiver), compressBlock(body));
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('native histograms are not supported: 1 histogram samples were not stored\n');
    expect(everything()).toEqual([good.labels]);
    expect(receiver.counters.samplesRefused.histograms).toBe(1);
  });

  it.each([
    [{ ...HEADERS, 'Content-Encoding': 'gzip' }, /unsupported Content-Encoding "gzip"/],
    [{ ...HEADERS, 'Content-Type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request' }, /unsupported Content-Type/],
    [{ ...HEADERS, 'Content-Type': 'application/json' }, /unsupported Content-Type "application\/json"/],
  ])('answers 415 to another encoding or message type (%o)', async (headers, reason) => {
    const res = await post(appOver(receiverOver(storage)), compressBlock(encodeWriteRequest([good])), headers);
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(reason);
    expect(everything()).toEqual([]);
  });

  it('accepts the 1.0 message type named explicitly, and no headers at all (as Prometheus 2.42)', async () => {
    const app = appOver(receiverOver(storage));
    const body = compressBlock(encodeWriteRequest([good]));
    expect((await post(app, body, { ...HEADERS, 'Content-Type': 'application/x-protobuf; proto=prometheus.WriteRequest' })).status).toBe(204);
    expect((await post(app, body, {})).status).toBe(204);
  });

  it('answers 413 to a body over the bound', async () => {
    const receiver = receiverOver(storage, { maxBodyBytes: 64 });
    const big = { labels: good.labels, samples: Array.from({ length: 50 }, (_, i) => ({ t: NOW - i * 997, v: i * 1.37, stale: false })) };
    const res = await write(appOver(receiver), [big]);
    expect(res.status).toBe(413);
    expect(everything()).toEqual([]);
    expect(receiver.counters.requestsRefused.too_large).toBe(1);
  });

  it('answers 500 when the store fails, so the sender retries, and forwards nothing', async () => {
    const receiver = receiverOver({ appendSamples: () => Promise.reject(new Error('MDB_MAP_FULL')) });
    const res = await write(appOver(receiver), [good]);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('storing samples failed: MDB_MAP_FULL\n');
    expect(forwarded).toEqual([]);
    expect(receiver.counters.requestsFailed).toBe(1);
  });

  it('requires the bearer token when one is configured', async () => {
    const app = appOver(receiverOver(storage, { bearerToken: 's3cret' }));
    const body = compressBlock(encodeWriteRequest([good]));
    expect((await post(app, body)).status).toBe(401);
    expect((await post(app, body, { ...HEADERS, Authorization: 'Bearer wrong' })).status).toBe(401);
    expect(everything()).toEqual([]);
    expect((await post(app, body, { ...HEADERS, Authorization: 'Bearer s3cret' })).status).toBe(204);
  });

  it('does not exist without a receiver', async () => {
    const app = createApp({ storage, registry, now: () => NOW, engine: DEFAULT_ENGINE, ready: () => true });
    expect((await post(app, compressBlock(encodeWriteRequest([good])))).status).toBe(404);
  });
});
