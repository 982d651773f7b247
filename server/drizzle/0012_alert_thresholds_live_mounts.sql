CREATE TABLE `unit_alert_thresholds` (
	`unit_id` integer PRIMARY KEY NOT NULL,
	`offline_min` real,
	`temp_c` real,
	`disk_pct` real,
	`updated_by` integer,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `live_mounts` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` integer NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`url` text,
	`sha256` text,
	`plays` integer,
	`icecast` integer NOT NULL,
	`started_by` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer,
	`end_reason` text
);
--> statement-breakpoint
CREATE INDEX `live_mounts_running_idx` ON `live_mounts` (`ended_at`);