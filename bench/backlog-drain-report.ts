import { LIVE_SLACK, type DrainResult } from './backlog-drain.ts';
import type { WireTally } from './wire-size.ts';

const n = (x: number) => x.toLocaleString('en');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const perSample = (w: WireTally) => w.payloadBytes / w.samples;

/** The body of BENCHMARKS.md's store-and-forward section. */
export function drainReport(r: DrainResult, command: string, machine: string): string {
  const hours = (r.collections * 15) / 3600;
  const outpost = perSample(r.wire.outpost);
  const wireRow = (name: string, w: WireTally) =>
    `| ${name} | ${n(w.messages)} | ${n(Math.round(w.samples / w.messages))} | ${(w.rawBytes / w.samples).toFixed(1)} | ${perSample(w).toFixed(1)} | ${(outpost / perSample(w)).toFixed(2)} |`;
  return [
    `Command: \`${command}\` — ${machine}.`,
    '',
    `Backlog: ${n(r.series)} node-like series (bench/dataset.ts) × ${hours} h × 15 s = ${n(r.samples)} samples, written`,
    `through the agent's own LMDB queue as ${n(r.collections)} batches of one collection each, queued at their collection`,
    `times and ending when the run began (${(r.backlogBytes / 2 ** 20).toFixed(0)} MiB of CBOR): the queue of an agent that was offline for ${hours} h.`,
    'Then an aggregator (real process, embedded MQTT broker, loopback) and the agent on that data directory start; the',
    `agent also collects its own host metrics live, every ${r.liveIntervalMs / 1000} s so lateness is sampled finely, with`,
    r.backlogRate !== undefined ? `\`--backlog-rate ${r.backlogRate}\` (no cap).` : 'the publisher of this build (it has no backlog rate cap).',
    'The drain runs from the agent\'s "connected" log line to the first live collection whose',
    `\`outpost_agent_queue_batches\` shows at most ${LIVE_SLACK} batches queued (live ones awaiting their ack), read back through the`,
    `aggregator's PromQL API every 200 ms. Lateness: for each live collection, the wall time at which a query first returned`,
    'it minus its timestamp (an upper bound: the query time is included). Newest-sample age: wall time minus the newest',
    'live timestamp (or the connect, before any shows up) at each poll; it also counts up to one live interval of waiting',
    'for the next collection.',
    '',
    '| measure | value | target |',
    '|---|---|---|',
    `| drain time | ${r.drainSeconds.toFixed(1)} s | |`,
    `| drain speed (${hours} h / drain time) | ${Math.round(r.speedup)}× real time | ≥ 100× |`,
    `| live lateness, p50 / max (${n(r.lateness.count)} collections) | ${s(r.lateness.p50Ms)} / ${s(r.lateness.maxMs)} | < 15 s (one interval) |`,
    `| newest live sample age, p50 / max (${n(r.newestAge.count)} polls) | ${s(r.newestAge.p50Ms)} / ${s(r.newestAge.maxMs)} | |`,
    `| aggregator ingest (backlog samples / drain time) | ${n(Math.round(r.samples / r.drainSeconds))} samples/s | |`,
    `| backlog samples queryable afterwards | ${n(r.stored)} of ${n(r.samples)} | all |`,
    `| batches answered as duplicates (resends) | ${n(r.duplicates)} | |`,
    `| peak RSS, aggregator / agent (VmHWM) | ${r.peakRssMB.aggregator.toFixed(0)} / ${r.peakRssMB.agent.toFixed(0)} MB | |`,
    `| peak anonymous RSS, aggregator / agent | ${r.peakAnonMB.aggregator.toFixed(0)} / ${r.peakAnonMB.agent.toFixed(0)} MB | |`,
    '',
    'VmHWM counts the LMDB files\' pages mapped in while reading and writing; anonymous RSS (sampled every 200 ms) is the',
    'processes\' own memory.',
    '',
    'Wire bytes for the same samples, measured in the same run: Outpost\'s CBOR batch payloads exactly as queued and',
    'published (one batch per 15 s collection, series table included), against the bodies Prometheus 2.42 sends over',
    'remote_write 1.0: one TimeSeries per sample with its full label set (storage/remote/queue_manager.go), protobuf,',
    'snappy block compression, `max_samples_per_send` samples a request (500 is 2.42\'s default, checked against the',
    'installed binary\'s /api/v1/status/config; 2,000 became the default in 2.44). One shard in WAL order; metadata left',
    'out on both sides. Payloads only: MQTT adds a PUBLISH header with the topic per batch, HTTP its headers per request.',
    '',
    '| sender | messages | samples / message | bytes / sample before compression | bytes / sample on the wire | Outpost / this |',
    '|---|---|---|---|---|---|',
    wireRow('Outpost CBOR batches, zlib (MQTT)', r.wire.outpost),
    ...r.wire.remoteWrite.map((w) => wireRow(`remote_write 1.0, ${n(w.perSend)} samples per send`, w)),
    '',
    `On the wire Outpost's batches take ${r.wire.remoteWrite.map((w) => `${(outpost / perSample(w)).toFixed(1)}× (${n(w.perSend)} per send)`).join(' and ')} the bytes of remote_write`,
    'for the same samples. Outpost\'s payloads are zlib-compressed CBOR (protocol/README.md), so its "before',
    'compression" column shows the payload as sent; each batch still carries its whole series table, which deflate folds.',
  ].join('\n');
}
