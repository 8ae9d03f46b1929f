/** The schema the stored Yjs documents live in (ARCHITECTURE.md, "Data ownership"). */
export const DOCSTORE_SCHEMA = "docstore";
export * from "./types.js";
export { createDocStore, type DocStoreOptions } from "./createDocStore.js";
export { docstoreMigrations } from "./store/migrations.js";
