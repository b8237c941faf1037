/** Why an article was refused. Stable codes that clients can switch on. */
export const INGEST_ERROR_CODES = [
  "EMPTY_BODY",
  "BINARY_CONTENT",
  "TOO_LARGE",
  "INVALID_INPUT",
  "INVALID_URL",
  "INVALID_DATE",
  "UNAUTHORIZED",
] as const;
export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];

/** Bad input: the article was not stored and nothing changed. */
export class IngestError extends Error {
  constructor(
    readonly code: IngestErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "IngestError";
  }
}
