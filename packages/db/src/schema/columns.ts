import { type SQL, sql } from "drizzle-orm";
import { customType, integer, text } from "drizzle-orm/sqlite-core";

/**
 * Column helpers shared by both databases, so every table spells time, money and JSON the same way.
 */

/** Postgres `citext` in SQLite: the column's collation makes `=`, unique indexes and ORDER BY ignore case. */
export const textNoCase = customType<{ data: string; driverData: string }>({
  dataType: () => "text COLLATE NOCASE",
});

/** Unix epoch milliseconds. */
export const timestamp = (name: string) => integer(name, { mode: "number" });

/** A JSON document stored as text; query it with SQLite's `json_*` functions. */
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

/** A boolean stored as 0/1. */
export const flag = (name: string) => integer(name, { mode: "boolean" });

/** `column IN ('a','b')` for a CHECK constraint; the values are our own literals, never user input. */
export function oneOf(column: SQL | unknown, values: readonly string[]): SQL {
  const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
  return sql`${column} in (${sql.raw(list)})`;
}

/** ISO 4217 codes are three upper-case letters. */
export function isCurrency(column: unknown): SQL {
  return sql`${column} glob '[A-Z][A-Z][A-Z]'`;
}
