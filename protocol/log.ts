/** The logging contract every component takes, so tests can capture lines and main.ts picks the sink. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** One line per event, with time, level and component, to stderr (stdout stays free for command output). */
export function consoleLogger(component: string): Logger {
  const line = (level: string, message: string) =>
    process.stderr.write(`${new Date().toISOString()} ${level} ${component}: ${message}\n`);
  return {
    info: (m) => line('info', m),
    warn: (m) => line('warn', m),
    error: (m) => line('error', m),
  };
}
