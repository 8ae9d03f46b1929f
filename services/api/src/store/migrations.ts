import type { Migration } from "@materi/platform";
import { eventTablesMigration } from "@materi/events";

export const apiMigrations: Migration[] = [eventTablesMigration("api", 1)];
