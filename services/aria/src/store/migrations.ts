import type { Migration } from "@materi/platform";
import { eventTablesMigration } from "@materi/events";

export const ariaMigrations: Migration[] = [eventTablesMigration("aria", 1)];
