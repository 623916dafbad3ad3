import { ID_PREFIXES, type IdKind, ulid } from "@fun/core";
import { sql } from "drizzle-orm";

/**
 * A prefixed ULID made inside SQL, for an INSERT … SELECT that makes many rows at once: the
 * 10-character time part (`at`) is encoded here, the 16-character random part is SQLite's
 * `upper(hex(randomblob(8)))` (hex digits are Crockford digits), so the id has the `newId` shape.
 */
export function newIdSql(kind: IdKind, at: number) {
  return sql<string>`${`${ID_PREFIXES[kind]}_${ulid(at).slice(0, 10)}`} || upper(hex(randomblob(8)))`;
}
