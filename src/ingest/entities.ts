import { and, arrayOverlaps, eq, type SQL, sql } from "drizzle-orm";
import { lookupPlace } from "../extract/gazetteer.js";
import { variantKey } from "../extract/names.js";
import type { EntityRecords } from "../extract/types.js";
import type { Transaction } from "../db/client.js";
import { entities } from "../db/schema.js";

export type EntityKind = "person" | "place" | "organization";

/**
 * Folds a name to its identity: case, diacritics, punctuation, spacing and transliteration
 * endings (Zelenskiy/Zelensky, Sergei/Sergey) do not matter.
 */
export function nameKey(name: string): string {
  return variantKey(name)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Keys a user's search name may be stored under: its own, and the gazetteer's current name for it (Kiev → Kyiv). */
export function lookupKeys(name: string): string[] {
  const known = lookupPlace(name);
  return [...new Set([nameKey(name), ...(known ? [nameKey(known.name)] : [])])].filter(Boolean);
}

/** Maps the canonical names of one article's entities to their rows in the store. */
export class EntityIndex {
  private readonly byKindAndKey = new Map<string, number>();
  private readonly byKey = new Map<string, number>();

  add(kind: EntityKind, names: string[], id: number): void {
    for (const name of names) {
      const key = nameKey(name);
      this.byKindAndKey.set(`${kind}:${key}`, id);
      if (!this.byKey.has(key)) this.byKey.set(key, id);
    }
  }

  /** The entity of that name, of the given kinds (any kind when none given). */
  find(name: string, kinds?: EntityKind[]): number | undefined {
    const key = nameKey(name);
    if (!kinds) return this.byKey.get(key);
    for (const kind of kinds) {
      const id = this.byKindAndKey.get(`${kind}:${key}`);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** The person or organization quoted under this name (any entity of the name when neither). */
  speakerOf(name: string | null): number | null {
    return name ? (this.find(name, ["person", "organization"]) ?? this.find(name) ?? null) : null;
  }

  get ids(): number[] {
    return [...new Set(this.byKey.values())];
  }
}

/**
 * Columns of a stored entity after learning new names and filling attributes it lacked from
 * `source`, the row of new values (its role, country, place_kind, latitude, longitude).
 */
function mergedColumns(newAliases: SQL, newKeys: SQL, source: SQL) {
  return {
    aliases: sql`array(select distinct a from unnest(${entities.aliases} || ${newAliases}) as a where a <> ${entities.name})`,
    aliasKeys: sql`array(select distinct unnest(${entities.aliasKeys} || ${newKeys}))`,
    role: sql`coalesce(${entities.role}, ${source}.role)`,
    country: sql`coalesce(${entities.country}, ${source}.country)`,
    placeKind: sql`coalesce(${entities.placeKind}, ${source}.place_kind)`,
    latitude: sql`coalesce(${entities.latitude}, ${source}.latitude)`,
    longitude: sql`coalesce(${entities.longitude}, ${source}.longitude)`,
  };
}

/**
 * Whether merging (mergedColumns) would change a stored entity: it lacks one of the names or keys,
 * or an attribute that `source` has. Stored aliases hold no duplicate and never the canonical name,
 * so otherwise the merge would write the same values, at the cost of a new row version in every
 * index (the array indexes' pending lists grow, and every alias lookup scans them).
 */
function mergeChanges(names: SQL, keys: SQL, source: SQL) {
  return sql`not (
    ${entities.aliases} || ${entities.name} @> ${names} and ${entities.aliasKeys} @> ${keys}
    and (${entities.role} is not null or ${source}.role is null)
    and (${entities.country} is not null or ${source}.country is null)
    and (${entities.placeKind} is not null or ${source}.place_kind is null)
    and (${entities.latitude} is not null or ${source}.latitude is null)
    and (${entities.longitude} is not null or ${source}.longitude is null))`;
}

export interface EntityWrite {
  kind: EntityKind;
  name: string;
  aliases: string[];
  role?: string | null;
  country?: string | null;
  placeKind?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** The entity rows an article writes, in the order it writes them (sorted, so that concurrent ingests lock rows alike). */
export function entityWrites(records: EntityRecords): EntityWrite[] {
  const writes: EntityWrite[] = [
    ...records.people.map((p) => ({ kind: "person" as const, name: p.name, aliases: p.aliases, role: p.role })),
    ...records.places.map((p) => ({
      kind: "place" as const,
      name: p.name,
      aliases: p.aliases,
      country: p.country,
      placeKind: p.kind,
      latitude: p.latitude,
      longitude: p.longitude,
    })),
    ...records.organizations.map((o) => ({ kind: "organization" as const, name: o.name, aliases: o.aliases })),
  ];
  return writes
    .filter((w) => nameKey(w.name) !== "")
    .sort((a, b) => a.kind.localeCompare(b.kind) || nameKey(a.name).localeCompare(nameKey(b.name)));
}

/** Columns of entities, as jsonb_populate_recordset reads a row of them (database names). */
export interface EntityColumns {
  kind: EntityKind;
  name: string;
  name_key: string;
  aliases: string[];
  alias_keys: string[];
  role: string | null;
  country: string | null;
  place_kind: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** Splits items into rounds in which no key repeats, keeping their order: one statement may change a row only once. */
function rounds<T>(items: T[], key: (item: T) => string): T[][] {
  const result: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const round = seen.get(key(item)) ?? 0;
    seen.set(key(item), round + 1);
    (result[round] ??= []).push(item);
  }
  return result;
}

/** A stored entity that an article's entity may be: one of the same kind with one of its names. */
export interface StoredEntity {
  id: number;
  kind: string;
  aliasKeys: string[];
}

/** The stored entities having any of the names of these writes (one statement; none for no writes). */
export async function findStoredEntities(tx: Transaction, writes: EntityWrite[]): Promise<StoredEntity[]> {
  if (writes.length === 0) return [];
  const allKeys = [...new Set(writes.flatMap((w) => [w.name, ...w.aliases].map(nameKey)))];
  // Prepared: drizzle's plain execution sends a statement unprepared, which costs postgres.js a second round trip.
  return tx
    .select({ id: entities.id, kind: entities.kind, aliasKeys: entities.aliasKeys })
    .from(entities)
    .where(arrayOverlaps(entities.aliasKeys, allKeys))
    .prepare("entities_by_alias_keys")
    .execute();
}

/**
 * Finds or creates the store's row for each of an article's entity writes, given the stored
 * entities of their names (findStoredEntities). An entity already stored under any of the
 * article's names for it (canonical or alias) is reused and learns the new aliases, so the same
 * entity across articles is one row. One statement updates the known rows and one inserts the new
 * ones (a second round of either only when two of the article's entities resolve to one row).
 * Only new rows' ids are waited for: `updated` settles when the known rows are written, so that
 * the next statements can be sent behind the updates without waiting for them.
 */
export async function resolveEntities(
  tx: Transaction,
  writes: EntityWrite[],
  stored: StoredEntity[],
): Promise<{ index: EntityIndex; updated: Promise<unknown> }> {
  const resolved = writes.map((write) => {
    const names = [write.name, ...write.aliases];
    const keys = [...new Set(names.map(nameKey).filter(Boolean))];
    const known = stored.find((row) => row.kind === write.kind && row.aliasKeys.some((k) => keys.includes(k)));
    const columns: EntityColumns = {
      kind: write.kind,
      name: write.name,
      name_key: nameKey(write.name),
      aliases: names.filter((n) => nameKey(n) !== nameKey(write.name)),
      alias_keys: keys,
      role: write.role ?? null,
      country: write.country ?? null,
      place_kind: write.placeKind ?? null,
      latitude: write.latitude ?? null,
      longitude: write.longitude ?? null,
    };
    return { names, keys, knownId: known?.id, columns };
  });

  // Stored under another of its names: the stored canonical name stays, this one becomes an alias.
  // Rows in id order, so that concurrent ingests lock them alike.
  const known = resolved.filter((r) => r.knownId !== undefined).sort((a, b) => a.knownId! - b.knownId!);
  const updated = Promise.all(
    rounds(known, (r) => String(r.knownId)).map((round) => {
      const changes = round.map((r) => ({ ...r.columns, id: r.knownId, names: r.names, keys: r.keys }));
      return tx
        .update(entities)
        .set(mergedColumns(sql`change.names`, sql`change.keys`, sql`change`))
        .from(
          sql`jsonb_to_recordset(${JSON.stringify(changes)}::text::jsonb) as change(id integer, names text[], keys text[], role text, country text, place_kind text, latitude double precision, longitude double precision)`,
        )
        .where(and(eq(entities.id, sql`change.id`), mergeChanges(sql`change.names`, sql`change.keys`, sql`change`)))
        .prepare("merge_known_entities")
        .execute();
    }),
  );
  // Awaited by the caller; until then, a failure surfaces through the statements behind it (the transaction is aborted).
  updated.catch(() => {});
  const fresh = resolved.filter((r) => r.knownId === undefined);
  const inserts = rounds(fresh, (r) => `${r.columns.kind}:${r.columns.name_key}`).map((round) =>
    tx
      .insert(entities, "kind", "name", "nameKey", "aliases", "aliasKeys", "role", "country", "placeKind", "latitude", "longitude")
      .select(
        sql`select kind, name, name_key, aliases, alias_keys, role, country, place_kind, latitude, longitude
            from jsonb_populate_recordset(null::${entities}, ${JSON.stringify(round.map((r) => r.columns))}::text::jsonb)`,
      )
      .onConflictDoUpdate({
        target: [entities.kind, entities.nameKey],
        set: mergedColumns(sql`excluded.aliases`, sql`excluded.alias_keys`, sql`excluded`),
      })
      .returning({ id: entities.id, kind: entities.kind, nameKey: entities.nameKey })
      .prepare("upsert_new_entities")
      .execute(),
  );
  const insertedRounds = await Promise.all(inserts);

  const created = new Map(insertedRounds.flat().map((row) => [`${row.kind}:${row.nameKey}`, row.id]));
  const index = new EntityIndex();
  for (const r of resolved) index.add(r.columns.kind, r.names, r.knownId ?? created.get(`${r.columns.kind}:${r.columns.name_key}`)!);
  return { index, updated };
}
