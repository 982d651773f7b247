CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`input` text NOT NULL,
	`result` text,
	`error_code` text,
	`error_message` text,
	`unit_id` integer NOT NULL,
	`created_by` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_state_idx` ON `jobs` (`state`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_unit_idx` ON `jobs` (`unit_id`,`id`);--> statement-breakpoint
CREATE TABLE `library_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`sha256` text NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`original_name` text,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `library_items_unit_sha_live_uq` ON `library_items` (`unit_id`,`sha256`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `library_items_sha_idx` ON `library_items` (`sha256`);--> statement-breakpoint
CREATE INDEX `library_items_unit_idx` ON `library_items` (`unit_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `media_files` ADD `true_peak_db` real;--> statement-breakpoint
ALTER TABLE `units` ADD `quota_mb` integer;--> statement-breakpoint
-- Media uploaded before the library existed becomes a library item of the unit that uploaded it, so
-- scoped reads (which go by library items) keep showing it to the same people.
INSERT INTO `library_items` (`unit_id`, `sha256`, `title`, `kind`, `original_name`, `created_by`, `created_at`)
SELECT `unit_id`, `sha256`, `original_name`, 'upload', `original_name`, `created_by`, `created_at`
FROM `media_files` WHERE `unit_id` IS NOT NULL;
