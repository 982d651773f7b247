CREATE TABLE `alert_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_id` integer NOT NULL,
	`alert_id` integer NOT NULL,
	`event` text NOT NULL,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `alert_deliveries_due_idx` ON `alert_deliveries` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `alert_deliveries_hook_idx` ON `alert_deliveries` (`webhook_id`,`id`);--> statement-breakpoint
CREATE TABLE `alert_webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`unit_id` integer NOT NULL,
	`severity` text NOT NULL,
	`state` text NOT NULL,
	`title` text NOT NULL,
	`devices` text NOT NULL,
	`details` text NOT NULL,
	`opened_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`acked_at` integer,
	`acked_by` integer,
	`resolved_at` integer,
	`resolved_by` integer
);
--> statement-breakpoint
CREATE INDEX `alerts_state_idx` ON `alerts` (`state`,`kind`,`unit_id`);--> statement-breakpoint
CREATE INDEX `alerts_unit_idx` ON `alerts` (`unit_id`,`opened_at`);--> statement-breakpoint
CREATE TABLE `device_presence_transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` text NOT NULL,
	`state` text NOT NULL,
	`at` integer NOT NULL,
	`reason` text NOT NULL,
	`session` text
);
--> statement-breakpoint
CREATE INDEX `presence_tr_device_at_idx` ON `device_presence_transitions` (`device_id`,`at`);--> statement-breakpoint
CREATE INDEX `presence_tr_at_idx` ON `device_presence_transitions` (`at`);--> statement-breakpoint
CREATE TABLE `health_rollups` (
	`device_id` text NOT NULL,
	`step` text NOT NULL,
	`bucket` integer NOT NULL,
	`n` integer NOT NULL,
	`temp_min` real,
	`temp_max` real,
	`temp_sum` real,
	`temp_n` integer DEFAULT 0 NOT NULL,
	`disk_min` real,
	`disk_max` real,
	`disk_sum` real,
	`disk_n` integer DEFAULT 0 NOT NULL,
	`mem_min` real,
	`mem_max` real,
	`mem_sum` real,
	`mem_n` integer DEFAULT 0 NOT NULL,
	`signal_min` real,
	`signal_max` real,
	`signal_sum` real,
	`signal_n` integer DEFAULT 0 NOT NULL,
	`volume_min` real,
	`volume_max` real,
	`volume_sum` real,
	`volume_n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`device_id`, `step`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `health_rollups_bucket_idx` ON `health_rollups` (`step`,`bucket`);--> statement-breakpoint
CREATE TABLE `health_samples` (
	`device_id` text NOT NULL,
	`at` integer NOT NULL,
	`cpu_temp_c` real,
	`disk_used_pct` real,
	`mem_used_pct` real,
	`signal_dbm` real,
	`load1` real,
	`volume` integer,
	`muted` integer,
	`link_type` text,
	`amplifier_on` integer,
	`speaker_line_ok` integer,
	`amplifier_fault` integer
);
--> statement-breakpoint
CREATE INDEX `health_samples_device_at_idx` ON `health_samples` (`device_id`,`at`);--> statement-breakpoint
CREATE INDEX `health_samples_at_idx` ON `health_samples` (`at`);--> statement-breakpoint
CREATE TABLE `monitor_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
