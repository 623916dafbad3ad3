import { ID_PREFIXES, type Id, type IdKind } from "@fun/core";

/**
 * Helpers that turn seed rows into plain SQL strings. Plain strings, not drizzle queries, because
 * the same statements run through `wrangler d1 execute --file`, through `D1Database.batch` in tests,
 * and in any future admin endpoint, all without a driver.
 */

export type SqlValue = string | number | boolean | null | object;

/** One value as a SQL literal: quotes doubled in strings, booleans as 0/1, objects and arrays as JSON text. */
export function sqlLiteral(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as SQL`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "1" : "0";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

/** Column names come from our own code only; this guards against a typo becoming SQL. */
function identifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad SQL identifier: ${name}`);
  return name;
}

export type Conflict =
  | { doNothing: true }
  /** Upsert on `target`, overwriting `update` columns only when one of them actually changed. */
  | { target: string[]; update: string[]; touch?: string };

/** An idempotent `INSERT … ON CONFLICT …` for one row. */
export function insertRow(table: string, row: Record<string, SqlValue>, conflict: Conflict): string {
  const columns = Object.keys(row).map(identifier);
  const values = Object.values(row).map(sqlLiteral);
  const insert = `INSERT INTO ${identifier(table)} (${columns.join(", ")}) VALUES (${values.join(", ")})`;
  if ("doNothing" in conflict) return `${insert} ON CONFLICT DO NOTHING`;
  const sets = [...conflict.update, ...(conflict.touch ? [conflict.touch] : [])]
    .map((column) => `${identifier(column)} = excluded.${identifier(column)}`)
    .join(", ");
  const changed = conflict.update
    .map((column) => `${identifier(table)}.${identifier(column)} IS NOT excluded.${identifier(column)}`)
    .join(" OR ");
  return `${insert} ON CONFLICT(${conflict.target.map(identifier).join(", ")}) DO UPDATE SET ${sets} WHERE ${changed}`;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * 32-bit FNV-1a with murmur3's finaliser: tiny, synchronous and deterministic, which is all a seed ID
 * needs. The finaliser spreads every input bit over the low bits we keep (plain FNV's are weak).
 */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * A stable ID for a seeded row: the kind's prefix, a zero ULID timestamp (so seed rows sort before
 * anything real) and 16 characters derived from the label. Same label, same ID, on every machine.
 */
export function seedId<K extends IdKind>(kind: K, label: string): Id<(typeof ID_PREFIXES)[K]> {
  let body = "";
  for (let i = 0; i < 16; i++) body += CROCKFORD.charAt(hash32(`${i}:${kind}:${label}`) & 31);
  return `${ID_PREFIXES[kind]}_0000000000${body}`;
}
