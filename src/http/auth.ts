import { createHash, timingSafeEqual } from "node:crypto";

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1] : null;
}

/**
 * The token of a graphql-ws `connection_init` payload: `{ authorization: "Bearer <token>" }`
 * (also `Authorization`) or `{ token: "<token>" }`; null when none is given.
 */
export function connectionToken(params: Readonly<Record<string, unknown>> | undefined): string | null {
  if (!params) return null;
  const header = params.authorization ?? params.Authorization;
  if (typeof header === "string") return bearerToken(header) ?? "";
  if (typeof params.token === "string") return params.token;
  return null;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares in constant time (of the digests), so the token cannot be guessed byte by byte. */
export function tokenMatches(expected: string, presented: string | null): boolean {
  return presented !== null && timingSafeEqual(digest(expected), digest(presented));
}
