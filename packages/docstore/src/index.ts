/** The schema the stored Yjs documents live in (ARCHITECTURE.md, "Data ownership"). */
export const DOCSTORE_SCHEMA = "docstore";
export * from "./types.js";
export { createDocStore, type DocStoreOptions } from "./createDocStore.js";
export { docstoreMigrations } from "./store/migrations.js";
export { DOCUMENT_FIELD, documentSchema } from "./content/documentSchema.js";
export { InvalidContentError, InvalidUpdateError, RevisionNotFoundError } from "./content/errors.js";
export { jsonToNode, jsonToText, nodeToJSON, nodeToText } from "./content/json.js";
export { jsonToMarkdown, markdownToJSON, markdownToNode, nodeToMarkdown } from "./content/markdown.js";
export { applyContent, contentFragment, jsonToYDoc, yDocToJSON, yDocToNode } from "./content/ydoc.js";
export { createUpdateChannel, type UpdateChannelOptions } from "./channel/createUpdateChannel.js";
export { decodeUpdateMessage, documentChannelName, encodeUpdateMessage } from "./channel/message.js";
export { startCompactor, compactorDefaults, type Compactor, type CompactorOptions, type CompactionRun } from "./compactor/startCompactor.js";
