/**
 * Keeps the process up until SIGINT/SIGTERM, then runs `stop` once so LMDB environments close cleanly.
 * A second signal while stopping exits at once, for the user who really means it.
 */
export function runUntilSignal(stop: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`${signal} again: exiting without a clean shutdown\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`${signal}: shutting down (press Ctrl-C again to force)\n`);
      stop()
        .catch((err: Error) => process.stderr.write(`error while shutting down: ${err.message}\n`))
        .finally(() => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
