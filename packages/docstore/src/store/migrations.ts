import type { Migration } from "@materi/platform";

// Placeholder: filled in by issue 6's work in progress.
export const docstoreMigrations: Migration[] = [];
