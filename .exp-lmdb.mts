import { open } from 'lmdb';
process.on('unhandledRejection', (e: any) => console.log('UNHANDLED', e?.message, e?.code, e?.stack?.split('\n').slice(0,4).join(' | ')));
const path = process.argv[2];
const root = open({ path });
const db = root.openDB({ name: 'b', keyEncoding: 'uint32' });
const meta = root.openDB({ name: 'm' });
let i = 0;
for (; i < 2000; i++) {
  try {
    await root.transaction(() => { const p: any = db.put(i, { payload: new Uint8Array(20000), q: i }); if (i===0) console.log("put returns", typeof p?.then); p?.catch?.(() => {}); meta.put('n', i); });
    await root.flushed;
  } catch (e: any) {
    const c = await e.commitError?.catch((x: any) => x);
    console.log('write fail at', i, e.message, '| cause:', c?.message, c?.code, Object.keys(c ?? {}));
    break;
  }
}
// after failure: do reads still work? do small writes work? does removing free space?
console.log('count', db.getCount(), 'meta', meta.get('n'));
try { await root.transaction(() => { meta.put('n', -1); }); console.log('small write ok', meta.get('n')); } catch (e: any) { console.log('small write failed', (await e.commitError?.catch((x: any) => x))?.message); }
try { await root.transaction(() => { for (let k = 0; k < 10; k++) db.remove(k); }); console.log('remove ok', db.getCount()); } catch (e: any) { console.log('remove failed', (await e.commitError?.catch((x: any) => x))?.message); }
try { await root.transaction(() => { db.put(i, { payload: new Uint8Array(20000), q: i }); }); await root.flushed; console.log('big write after remove ok', db.getCount()); } catch (e: any) { console.log('big write failed again', (await e.commitError?.catch((x: any) => x))?.message); }
const t0 = Date.now(); try { await root.close(); } catch (e: any) { console.log("close failed", e.message); } console.log("close took", Date.now() - t0);
console.log('closed');
