CREATE TABLE `playlist_items` (
	`device_id` text NOT NULL,
	`occurrence_key` text NOT NULL,
	`schedule_id` integer NOT NULL,
	`bulletin_id` integer NOT NULL,
	`bulletin_version` integer NOT NULL,
	`scheduled_at` integer NOT NULL,
	`planned_start` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`started_at` integer,
	`ended_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`device_id`, `occurrence_key`)
);
--> statement-breakpoint
CREATE INDEX `playlist_items_start_idx` ON `playlist_items` (`planned_start`);--> statement-breakpoint
CREATE INDEX `playlist_items_schedule_idx` ON `playlist_items` (`schedule_id`);--> statement-breakpoint
CREATE TABLE `schedules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`bulletin_id` integer NOT NULL,
	`title` text NOT NULL,
	`recurrence` text NOT NULL,
	`start_date` text,
	`end_date` text,
	`repeat` text,
	`targets` text NOT NULL,
	`before_incoming_priority` integer DEFAULT false NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`revision` integer DEFAULT 1 NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer
);
--> statement-breakpoint
CREATE INDEX `schedules_unit_idx` ON `schedules` (`unit_id`);--> statement-breakpoint
CREATE INDEX `schedules_state_idx` ON `schedules` (`state`);