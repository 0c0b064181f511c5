/**
 * The few log lines the store emits (a created key file, weak seeded keys). Structurally a subset
 * of pino's logger, so the server can pass its own; the default writes plain lines to stderr.
 */
export interface StoreLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const stderrLogger: StoreLogger = {
  info: (message) => process.stderr.write(`earshot store: ${message}\n`),
  warn: (message) => process.stderr.write(`earshot store: warning: ${message}\n`),
};
