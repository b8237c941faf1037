import type { ArticleInput } from "../extract/types.js";
import { IngestError } from "./errors.js";

/** Largest article body accepted, in bytes of UTF-8 (MAX_ARTICLE_BYTES overrides). */
export const DEFAULT_MAX_ARTICLE_BYTES = 1024 * 1024;

export interface IngestInput extends ArticleInput {
  source?: string | null;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// C0 controls other than tab, newline and carriage return, and U+FFFD left by a failed decode.
const BINARY_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/g;

/** Checks an article before extraction; throws IngestError with a clear reason. */
export function validateIngestInput(input: IngestInput, maxBytes = DEFAULT_MAX_ARTICLE_BYTES): void {
  const hasText = input.text != null;
  const hasHtml = input.html != null;
  if (hasText === hasHtml) throw new IngestError("INVALID_INPUT", "Give exactly one of text or html.");
  const content = (hasText ? input.text : input.html) as string;
  const bytes = Buffer.byteLength(content, "utf8");
  if (bytes > maxBytes) {
    throw new IngestError("TOO_LARGE", `The article is ${bytes} bytes; the limit is ${maxBytes} bytes.`);
  }
  if (content.trim() === "") throw new IngestError("EMPTY_BODY", "The article is empty.");
  const binary = content.match(BINARY_CHARACTER)?.length ?? 0;
  if (binary > 0 && (content.includes("\u0000") || binary / content.length > 0.001)) {
    throw new IngestError("BINARY_CONTENT", "The article is binary or not valid UTF-8 text.");
  }
  if (input.url != null) {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new IngestError("INVALID_URL", `Not a valid URL: ${JSON.stringify(input.url)}.`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new IngestError("INVALID_URL", `Only http and https URLs are accepted, not ${url.protocol}.`);
    }
  }
  if (input.publishedAt != null) {
    const date = new Date(`${input.publishedAt}T00:00:00Z`);
    if (!ISO_DATE.test(input.publishedAt) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== input.publishedAt) {
      throw new IngestError("INVALID_DATE", `publishedAt must be an ISO date (YYYY-MM-DD), not ${JSON.stringify(input.publishedAt)}.`);
    }
  }
}

/** Decodes file bytes as UTF-8, refusing invalid sequences instead of replacing them. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new IngestError("BINARY_CONTENT", "The file is binary or not valid UTF-8 text.");
  }
}
