/** The schema the stored Yjs documents live in (ARCHITECTURE.md, "Data ownership"). */
export const DOCSTORE_SCHEMA = "docstore";
