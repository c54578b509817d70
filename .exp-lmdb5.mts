import { open } from 'lmdb';
for (const [path, opts] of [[process.argv[2], {}], [process.argv[2], { readOnly: true }], [process.argv[2] + '/new', {}]] as const) {
  try {
    const root = open({ path, ...opts });
    const db = root.openDB({ name: 'b', keyEncoding: 'uint32' });
    console.log(path, JSON.stringify(opts), 'opened, count', db.getCount());
    try { await root.transaction(() => db.putSync(999, { a: 1 })); console.log('write ok'); } catch (e: any) { console.log('write failed', e.message, (await e.commitError?.catch((x: any) => x))?.code); }
    await root.close();
  } catch (e: any) { console.log(path, JSON.stringify(opts), 'open failed:', JSON.stringify(e.message), e.code, e.errno, e.syscall); }
}
