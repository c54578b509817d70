import { open } from 'lmdb';
import { writeFileSync, rmSync } from 'node:fs';
process.on('unhandledRejection', (e: any) => console.log('UNHANDLED', e?.message));
const dir = process.argv[2];
writeFileSync('/tmp/exp/filler', new Uint8Array(600_000));
const root = open({ path: dir });
const db = root.openDB({ name: 'b', keyEncoding: 'uint32' });
const race = (p: PromiseLike<unknown>, ms = 1000) => Promise.race([Promise.resolve(p).then(() => 'ok', (e: any) => 'rejected ' + e.message), new Promise((r) => setTimeout(() => r('hangs'), ms))]);
let i = 0;
for (; i < 2000; i++) {
  try {
    const p = root.transaction(() => { db.putSync(i, { payload: new Uint8Array(20000), q: i }); });
    root.committed.then(undefined, () => {});
    await p;
    await root.flushed;
  } catch (e: any) {
    const c = await e.commitError?.catch((x: any) => x);
    console.log('write fail at', i, c?.message); break;
  }
}
rmSync('/tmp/exp/filler');
const p = root.transaction(() => { db.putSync(i, { payload: new Uint8Array(20000), q: i }); });
root.committed.then(undefined, () => {});
console.log('retry txn', await race(p));
console.log('retry flushed', await race(root.flushed));
const p2 = root.transaction(() => { db.putSync(i + 1, { payload: new Uint8Array(20000), q: i }); });
console.log('retry2 txn', await race(p2), 'flushed', await race(root.flushed));
console.log('count', db.getCount());
console.log('close', await race(root.close(), 2000));
