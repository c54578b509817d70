// Writes dashboards/grafana/*.json from dashboards/*.json: `npm run dashboards:grafana`; with --check it only
// reports files that are out of date (exit 1), as CI's test of the same does.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { grafanaExports } from '../aggregator/http/grafana-export.ts';

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const { file, text } of grafanaExports(fileURLToPath(new URL('.', import.meta.url)))) {
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // Not generated yet.
  }
  if (current === text) continue;
  stale.push(file);
  if (check) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  process.stdout.write(`wrote ${file}\n`);
}
if (check && stale.length > 0) {
  process.stderr.write(`out of date (run npm run dashboards:grafana): ${stale.join(', ')}\n`);
  process.exit(1);
}
