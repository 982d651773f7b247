CREATE TABLE `cap_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`sender_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`sender` text,
	`identifier` text,
	`sent` text,
	`sent_at` integer,
	`status` text,
	`msg_type` text,
	`scope` text,
	`language` text,
	`event` text,
	`headline` text,
	`urgency` text,
	`severity` text,
	`certainty` text,
	`expires_at` integer,
	`references` text,
	`outcome` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`error` text,
	`targets` text,
	`audio` text,
	`emergency_id` text,
	`stopped_by` text,
	`raw_xml` text NOT NULL,
	`received_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cap_alerts_key_uq` ON `cap_alerts` (`sender`,`identifier`,`sent_at`) WHERE outcome <> 'refused' AND sent_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX `cap_alerts_unit_idx` ON `cap_alerts` (`unit_id`,`received_at`);--> statement-breakpoint
CREATE TABLE `cap_senders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sender` text NOT NULL,
	`name` text NOT NULL,
	`unit_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`certificate` text,
	`created_by` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cap_senders_token_uq` ON `cap_senders` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `cap_senders_live_uq` ON `cap_senders` (`sender`) WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE INDEX `cap_senders_unit_idx` ON `cap_senders` (`unit_id`);