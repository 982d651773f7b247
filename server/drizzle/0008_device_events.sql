CREATE TABLE `device_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`device_id` text NOT NULL,
	`type` text NOT NULL,
	`level` text NOT NULL,
	`message` text,
	`data` text,
	`device_ts` integer NOT NULL,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_events_event_uq` ON `device_events` (`event_id`);--> statement-breakpoint
CREATE INDEX `device_events_device_idx` ON `device_events` (`device_id`,`seq`);--> statement-breakpoint
CREATE INDEX `command_replies_device_idx` ON `command_replies` (`device_id`);--> statement-breakpoint
CREATE INDEX `commands_target_idx` ON `commands` (`target_kind`,`target`);