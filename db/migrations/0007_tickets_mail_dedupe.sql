CREATE TABLE "mail_sends" (
	"mail_key" text PRIMARY KEY NOT NULL,
	"recipient" text NOT NULL,
	"state" text NOT NULL,
	"claim_token" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
