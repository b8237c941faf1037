import { arrayOverlaps, type SQL, sql } from "drizzle-orm";
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

/** Columns of a stored entity after learning new names and filling attributes it lacked. */
function mergedColumns(newAliases: SQL, newKeys: SQL, values: Omit<typeof entities.$inferInsert, "id">) {
  return {
    aliases: sql`array(select distinct a from unnest(${entities.aliases} || ${newAliases}) as a where a <> ${entities.name})`,
    aliasKeys: sql`array(select distinct unnest(${entities.aliasKeys} || ${newKeys}))`,
    role: sql`coalesce(${entities.role}, ${values.role ?? null})`,
    country: sql`coalesce(${entities.country}, ${values.country ?? null})`,
    placeKind: sql`coalesce(${entities.placeKind}, ${values.placeKind ?? null})`,
    latitude: sql`coalesce(${entities.latitude}, ${values.latitude ?? null}::double precision)`,
    longitude: sql`coalesce(${entities.longitude}, ${values.longitude ?? null}::double precision)`,
  };
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

/**
 * Finds or creates the store's row for each entity of an article. An entity already stored
 * under any of the article's names for it (canonical or alias) is reused and learns the new
 * aliases, so the same entity across articles is one row.
 */
export async function resolveEntities(tx: Transaction, records: EntityRecords): Promise<EntityIndex> {
  const index = new EntityIndex();
  const writes = entityWrites(records);
  if (writes.length === 0) return index;
  const allKeys = [...new Set(writes.flatMap((w) => [w.name, ...w.aliases].map(nameKey)))];
  const existing = await tx
    .select({ id: entities.id, kind: entities.kind, aliasKeys: entities.aliasKeys })
    .from(entities)
    .where(arrayOverlaps(entities.aliasKeys, allKeys));

  for (const write of writes) {
    const names = [write.name, ...write.aliases];
    const keys = [...new Set(names.map(nameKey).filter(Boolean))];
    const known = existing.find((row) => row.kind === write.kind && row.aliasKeys.some((k) => keys.includes(k)));
    const values = {
      kind: write.kind,
      name: write.name,
      nameKey: nameKey(write.name),
      aliases: names.filter((n) => nameKey(n) !== nameKey(write.name)),
      aliasKeys: keys,
      role: write.role ?? null,
      country: write.country ?? null,
      placeKind: write.placeKind ?? null,
      latitude: write.latitude ?? null,
      longitude: write.longitude ?? null,
    };
    let id: number;
    if (known) {
      // Stored under another of its names: the stored canonical name stays, this one becomes an alias.
      await tx
        .update(entities)
        .set(mergedColumns(sql`${sql.param(names)}::text[]`, sql`${sql.param(keys)}::text[]`, values))
        .where(sql`${entities.id} = ${known.id}`);
      id = known.id;
    } else {
      const [row] = await tx
        .insert(entities)
        .values(values)
        .onConflictDoUpdate({
          target: [entities.kind, entities.nameKey],
          set: mergedColumns(sql`excluded.aliases`, sql`excluded.alias_keys`, values),
        })
        .returning({ id: entities.id });
      id = row.id;
    }
    index.add(write.kind, names, id);
  }
  return index;
}
