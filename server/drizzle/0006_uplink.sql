CREATE TABLE `national_bulletin_deliveries` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`bulletin_id` text NOT NULL,
	`province_id` integer NOT NULL,
	`message` text NOT NULL,
	`fetched_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `national_deliveries_uq` ON `national_bulletin_deliveries` (`bulletin_id`,`province_id`);--> statement-breakpoint
CREATE INDEX `national_deliveries_province_idx` ON `national_bulletin_deliveries` (`province_id`,`seq`);--> statement-breakpoint
CREATE TABLE `national_bulletins` (
	`id` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`message` text NOT NULL,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `national_play_logs` (
	`province_id` integer NOT NULL,
	`key` text NOT NULL,
	`receiver_id` text NOT NULL,
	`event` text NOT NULL,
	`started_at` integer,
	`received_at` integer NOT NULL,
	`log` text NOT NULL,
	PRIMARY KEY(`province_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `national_play_logs_start_idx` ON `national_play_logs` (`started_at`);--> statement-breakpoint
CREATE TABLE `national_provinces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`last_contact_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `national_provinces_code_uq` ON `national_provinces` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `national_provinces_token_uq` ON `national_provinces` (`token_hash`);--> statement-breakpoint
CREATE TABLE `national_receivers` (
	`province_id` integer NOT NULL,
	`receiver_id` text NOT NULL,
	`station_id` text NOT NULL,
	`unit_code` text NOT NULL,
	`operating_state` integer NOT NULL,
	`reported_at` integer,
	`received_at` integer NOT NULL,
	`status` text NOT NULL,
	PRIMARY KEY(`province_id`, `receiver_id`)
);
--> statement-breakpoint
CREATE TABLE `national_schedules` (
	`province_id` integer NOT NULL,
	`schedule_id` text NOT NULL,
	`revision` integer NOT NULL,
	`received_at` integer NOT NULL,
	`schedule` text NOT NULL,
	PRIMARY KEY(`province_id`, `schedule_id`)
);
--> statement-breakpoint
CREATE TABLE `national_stations` (
	`province_id` integer NOT NULL,
	`station_id` text NOT NULL,
	`name` text NOT NULL,
	`last_contact_at` integer NOT NULL,
	PRIMARY KEY(`province_id`, `station_id`)
);
--> statement-breakpoint
CREATE TABLE `uplink_national_bulletins` (
	`national_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`bulletin_id` integer,
	`schedule_id` integer,
	`error` text,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `uplink_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text,
	`payload` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uplink_outbox_key_uq` ON `uplink_outbox` (`kind`,`key`);--> statement-breakpoint
CREATE INDEX `uplink_outbox_pending_idx` ON `uplink_outbox` (`sent_at`,`id`);--> statement-breakpoint
CREATE TABLE `uplink_state` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
