CREATE TABLE `auth_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE TABLE `command_replies` (
	`command_id` text NOT NULL,
	`device_id` text NOT NULL,
	`ok` integer NOT NULL,
	`error_code` text,
	`error_message` text,
	`result` text,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`command_id`, `device_id`)
);
--> statement-breakpoint
CREATE TABLE `commands` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`target_kind` text NOT NULL,
	`target` text NOT NULL,
	`payload` text NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `device_status` (
	`device_id` text PRIMARY KEY NOT NULL,
	`online` integer NOT NULL,
	`session` text,
	`changed_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`agent_version` text,
	`health` text
);
--> statement-breakpoint
CREATE TABLE `devices` (
	`id` text PRIMARY KEY NOT NULL,
	`unit_id` integer NOT NULL,
	`name` text NOT NULL,
	`hardware_id` text,
	`lat` real,
	`lon` real,
	`secret_hash` text NOT NULL,
	`volume` integer DEFAULT 80 NOT NULL,
	`muted` integer DEFAULT false NOT NULL,
	`desired_version` integer DEFAULT 0 NOT NULL,
	`revoked_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_hardware_uq` ON `devices` (`hardware_id`);--> statement-breakpoint
CREATE INDEX `devices_unit_idx` ON `devices` (`unit_id`);--> statement-breakpoint
CREATE TABLE `media_files` (
	`sha256` text PRIMARY KEY NOT NULL,
	`source_sha256` text NOT NULL,
	`original_name` text NOT NULL,
	`source_format` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`source_loudness_lufs` real,
	`loudness_lufs` real,
	`profile` text NOT NULL,
	`unit_id` integer,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_source_idx` ON `media_files` (`source_sha256`);--> statement-breakpoint
CREATE TABLE `playback_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`device_id` text NOT NULL,
	`play_id` text NOT NULL,
	`command_id` text,
	`sha256` text NOT NULL,
	`event` text NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`played_ms` integer,
	`reason` text,
	`device_ts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `playback_device_idx` ON `playback_logs` (`device_id`,`received_at`);--> statement-breakpoint
CREATE INDEX `playback_play_idx` ON `playback_logs` (`play_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`parent_id` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `units_code_uq` ON `units` (`code`);--> statement-breakpoint
CREATE INDEX `units_parent_idx` ON `units` (`parent_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`unit_id` integer NOT NULL,
	`disabled` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);