import { createHook } from 'node:async_hooks';
import { open } from 'lmdb';
const stacks = new WeakMap<object, string>();
createHook({ init(id, type, trigger, resource) { if (type === 'PROMISE') stacks.set(resource as object, new Error().stack!.split('\n').slice(2, 9).join('\n')); } }).enable();
process.on('unhandledRejection', (e: any, p) => console.log('UNHANDLED', e?.message, '\n', stacks.get(p)));
const root = open({ path: process.argv[2], eventTurnBatching: false });
const db = root.openDB({ name: 'b', keyEncoding: 'uint32' });
for (let i = 0; i < 2000; i++) {
  try {
    await root.transaction(() => { db.putSync(i, { payload: new Uint8Array(20000), q: i }); });
    await root.flushed;
  } catch (e: any) { console.log('fail at', i); e.commitError?.catch(() => {}); break; }
}
await new Promise((r) => setTimeout(r, 200));
process.exit(0);
