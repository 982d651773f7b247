CREATE TABLE `emergencies` (
	`id` text PRIMARY KEY NOT NULL,
	`title` text NOT NULL,
	`origin` text NOT NULL,
	`cap_alert_id` text,
	`unit_id` integer NOT NULL,
	`created_by` integer,
	`actor_label` text NOT NULL,
	`targets` text NOT NULL,
	`target_unit_ids` text NOT NULL,
	`source` text NOT NULL,
	`repeat` integer NOT NULL,
	`volume` integer NOT NULL,
	`areas` text NOT NULL,
	`device_topics` text NOT NULL,
	`approved_on_send` integer NOT NULL,
	`state` text NOT NULL,
	`started_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	`stopped_by` text,
	`stop_reason` text
);
--> statement-breakpoint
CREATE INDEX `emergencies_state_idx` ON `emergencies` (`state`);--> statement-breakpoint
CREATE INDEX `emergencies_started_idx` ON `emergencies` (`started_at`);--> statement-breakpoint
CREATE TABLE `emergency_reach` (
	`emergency_id` text NOT NULL,
	`device_id` text NOT NULL,
	`offline_at_start` integer NOT NULL,
	`received_at` integer,
	`started_at` integer,
	`finished_at` integer,
	`outcome` text,
	`failed_at` integer,
	`failed_reason` text,
	PRIMARY KEY(`emergency_id`, `device_id`)
);
