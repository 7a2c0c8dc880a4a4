/** The platform's log: one line per event on stderr, errors with their stack. */
export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

/** Writes timestamped lines; quiet mode (tests) keeps only errors. */
export function createConsoleLogger(options: { quiet?: boolean } = {}): Logger {
  const line = (level: string, message: string, error?: unknown) => {
    const detail =
      error instanceof Error
        ? `\n${error.stack ?? error.message}`
        : error === undefined
          ? ''
          : ` ${JSON.stringify(error)}`;
    process.stderr.write(`${new Date().toISOString()} ${level} ${message}${detail}\n`);
  };
  return {
    info: (message) => void (options.quiet || line('info', message)),
    warn: (message, error) => void (options.quiet || line('warn', message, error)),
    error: (message, error) => line('error', message, error),
  };
}
