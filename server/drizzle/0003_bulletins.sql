CREATE TABLE `bulletin_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bulletin_id` integer NOT NULL,
	`version` integer NOT NULL,
	`state` text NOT NULL,
	`type` integer NOT NULL,
	`field` integer NOT NULL,
	`priority` integer NOT NULL,
	`title` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`author` text DEFAULT '' NOT NULL,
	`produced_at` integer NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`source` text DEFAULT '' NOT NULL,
	`items` text NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`submitted_by` integer,
	`submitted_at` integer,
	`decided_by` integer,
	`decided_at` integer,
	`reject_reason` text,
	`approved_on_send` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bulletin_versions_uq` ON `bulletin_versions` (`bulletin_id`,`version`);--> statement-breakpoint
CREATE INDEX `bulletin_versions_state_idx` ON `bulletin_versions` (`state`);--> statement-breakpoint
CREATE TABLE `bulletins` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`current_version` integer DEFAULT 1 NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bulletins_unit_idx` ON `bulletins` (`unit_id`);