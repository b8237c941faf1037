import { pino, type Logger } from "pino";

export type { Logger };

/**
 * The process's one logger: JSON lines on stdout. LOG_LEVEL sets the level (default `info`;
 * `silent` under vitest so that test output stays readable).
 */
export function createLogger(level = process.env.LOG_LEVEL || (process.env.VITEST ? "silent" : "info"), destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: "newsgraph" } }, destination);
}

export const log: Logger = createLogger();
