CREATE TABLE "checkin_lists" (
	"list_id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"name" text NOT NULL,
	"class_ids" jsonb,
	"gates" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"ticket_id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"event_id" text NOT NULL,
	"class_id" text NOT NULL,
	"owner_id" text NOT NULL,
	"seat_no" integer NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'valid' NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_gate" text,
	"checked_in_by" text,
	"void_reason" text,
	"transferred_to" text,
	"transferred_from" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "checkin_lists_event_ix" ON "checkin_lists" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "tickets_owner_ix" ON "tickets" USING btree ("owner_id","issued_at" DESC NULLS LAST,"ticket_id");--> statement-breakpoint
CREATE INDEX "tickets_order_ix" ON "tickets" USING btree ("order_id","seat_no");--> statement-breakpoint
CREATE INDEX "tickets_event_ix" ON "tickets" USING btree ("event_id","status");