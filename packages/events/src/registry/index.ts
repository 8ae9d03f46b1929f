export { createSchemaRegistry, type CatalogVersions, type SchemaRegistry } from "./schemaRegistry.js";
export { schemaRegistryMigrations, SCHEMA_REGISTRY_OWNER } from "./migrations.js";
export type { PayloadDecoder, RegisteredField, RegisteredSchema } from "./storedVersions.js";
export {
  IncompatibleSchemaError,
  SchemaRegistrationConflictError,
  UnknownSchemaVersionError,
  type SchemaChange,
} from "./errors.js";
export { findIncompatibilities } from "./compatibility.js";
export { descriptorSetFor, messageFromDescriptorSet } from "./descriptors.js";
