CREATE TABLE "flagged_payments" (
	"flag_id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"payment_id" text,
	"order_id" text,
	"order_code" text NOT NULL,
	"user_id" text,
	"provider" text,
	"provider_txn_id" text,
	"amount_minor" bigint,
	"currency" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"flagged_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "order_history" (
	"order_id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"user_id" text NOT NULL,
	"event_id" text NOT NULL,
	"status" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"payment" jsonb,
	"failure_reason" text,
	"refund_required" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer NOT NULL,
	"version_n" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_history_lines" (
	"order_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"class_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"state" text NOT NULL,
	CONSTRAINT "order_history_lines_pk" PRIMARY KEY("order_id","line_no")
);
--> statement-breakpoint
ALTER TABLE "order_history_lines" ADD CONSTRAINT "order_history_lines_order_id_order_history_order_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."order_history"("order_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flagged_payments_open_ix" ON "flagged_payments" USING btree ("flagged_at") WHERE "flagged_payments"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "order_history_user_ix" ON "order_history" USING btree ("user_id","created_at" DESC NULLS LAST,"order_id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "order_history_event_ix" ON "order_history" USING btree ("event_id","status");--> statement-breakpoint
CREATE INDEX "order_history_lines_class_ix" ON "order_history_lines" USING btree ("class_id");