CREATE TABLE "payment_inbox" (
	"provider" text NOT NULL,
	"provider_txn_id" text NOT NULL,
	"payment_id" uuid,
	"outcome" text NOT NULL,
	"payload" jsonb NOT NULL,
	"outbox_msg_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_inbox_pk" PRIMARY KEY("provider","provider_txn_id")
);
--> statement-breakpoint
CREATE TABLE "payment_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"msg_id" text NOT NULL,
	"subject" text NOT NULL,
	"payload" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" text NOT NULL,
	"order_code" text NOT NULL,
	"user_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"provider" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"provider_ref" text,
	"provider_txn_id" text,
	"provider_request" jsonb,
	"provider_response" jsonb,
	"flags" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_status_ck" CHECK ("payments"."status" in ('PENDING', 'COMPLETED', 'FAILED', 'CANCELED')),
	CONSTRAINT "payments_provider_ck" CHECK ("payments"."provider" in ('zalopay', 'payos', 'vnpay', 'sandbox')),
	CONSTRAINT "payments_amount_ck" CHECK ("payments"."amount_minor" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX "payment_outbox_msg_id_uq" ON "payment_outbox" USING btree ("msg_id");--> statement-breakpoint
CREATE INDEX "payment_outbox_due_ix" ON "payment_outbox" USING btree ("next_attempt_at","created_at") WHERE "payment_outbox"."published_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "payments_provider_txn_uq" ON "payments" USING btree ("provider","provider_txn_id");--> statement-breakpoint
CREATE INDEX "payments_order_ix" ON "payments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "payments_order_code_ix" ON "payments" USING btree ("order_code");--> statement-breakpoint
CREATE INDEX "payments_provider_ref_ix" ON "payments" USING btree ("provider","provider_ref");