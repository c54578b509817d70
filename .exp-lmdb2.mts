import { open } from 'lmdb';
process.on('unhandledRejection', (e: any) => console.log('UNHANDLED', e?.message));
const root = open({ path: process.argv[2] });
const db = root.openDB({ name: 'b', keyEncoding: 'uint32' });
for (let i = 0; i < 2000; i++) {
  try {
    await root.transaction(() => { db.putSync(i, { payload: new Uint8Array(20000), q: i }); });
    await root.flushed;
  } catch (e: any) {
    const c = await e.commitError?.catch((x: any) => x);
    console.log('write fail at', i, c?.message); break;
  }
}
const flushedState = await Promise.race([root.flushed.then(() => 'flushed ok', (e: any) => 'flushed rejected ' + e.message), new Promise((r) => setTimeout(() => r('flushed hangs'), 500))]);
console.log(flushedState);
const t = setTimeout(() => console.log('close still pending after 2s'), 2000);
await Promise.race([root.close().then(() => console.log('closed')), new Promise((r) => setTimeout(r, 3000))]);
clearTimeout(t);
// reopen
const r2 = open({ path: process.argv[2] });
console.log('reopen count', r2.openDB({ name: 'b', keyEncoding: 'uint32' }).getCount());
await r2.close(); console.log('closed 2');
