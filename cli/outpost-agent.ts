import { AGENT_ENTRY } from './agent-entry.ts';
import { runCli } from './run-cli.ts';

/**
 * The `outpost` of the agent tarball (npm run dist): the agent's commands only, so the bundle carries neither the
 * aggregator nor its dependencies (the broker, the HTTP server, snappy).
 */
process.exitCode = await runCli([AGENT_ENTRY], process.argv.slice(2));
