CREATE TABLE "payment_refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"payment_id" uuid NOT NULL,
	"order_id" text NOT NULL,
	"order_code" text NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"provider_txn_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"requested_by" text,
	"status" text DEFAULT 'REQUESTED' NOT NULL,
	"provider_refund_id" text,
	"provider_request" jsonb,
	"provider_response" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "payment_refunds_status_ck" CHECK ("payment_refunds"."status" in ('REQUESTED', 'SUBMITTED', 'SUCCEEDED', 'FAILED')),
	CONSTRAINT "payment_refunds_amount_ck" CHECK ("payment_refunds"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "sandbox_refunds" (
	"refund_id" text PRIMARY KEY NOT NULL,
	"provider_txn_id" text NOT NULL,
	"order_code" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refund_status" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refunded_amount_minor" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "refunded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locale" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_refunds_txn_uq" ON "payment_refunds" USING btree ("provider","provider_txn_id");--> statement-breakpoint
CREATE INDEX "payment_refunds_order_ix" ON "payment_refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "payment_refunds_payment_ix" ON "payment_refunds" USING btree ("payment_id");--> statement-breakpoint
CREATE INDEX "sandbox_refunds_txn_ix" ON "sandbox_refunds" USING btree ("provider_txn_id");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_refund_status_ck" CHECK ("payments"."refund_status" is null or "payments"."refund_status" in ('PENDING', 'REFUNDED', 'FAILED'));