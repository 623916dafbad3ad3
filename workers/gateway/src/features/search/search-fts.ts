import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The FTS5 table `search_fts` as drizzle sees it, for building statements. It is created by hand in
 * migration 0005 (drizzle has no virtual tables), so it lives here rather than in the schema that
 * drizzle-kit generates migrations from. Its rowid is the search_entry id.
 */
export const searchFts = sqliteTable("search_fts", {
  rowid: integer("rowid").notNull(),
  /** Filter tokens: brand, kind and rating (written by the search.index projection). */
  scope: text("scope").notNull(),
  title: text("title").notNull(),
  body: text("body").notNull(),
  tags: text("tags").notNull(),
});
