CREATE TABLE "catalog_checkpoints" (
	"projector" text PRIMARY KEY NOT NULL,
	"stream_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "catalog_event_staff" (
	"event_id" text NOT NULL,
	"user_id" text NOT NULL,
	"role" text,
	"version" bigint NOT NULL,
	CONSTRAINT "catalog_event_staff_pk" PRIMARY KEY("event_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "catalog_events" (
	"event_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"location" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text NOT NULL,
	"is_public" boolean NOT NULL,
	"is_free" boolean DEFAULT false NOT NULL,
	"organizer" jsonb,
	"created_by" text NOT NULL,
	"staff_user_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"ticket_sale_start_at" timestamp with time zone,
	"ticket_sale_end_at" timestamp with time zone,
	"allow_wait_room" boolean DEFAULT false NOT NULL,
	"is_new_trending" boolean DEFAULT false NOT NULL,
	"version" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS ((
      setweight(to_tsvector('english'::regconfig, coalesce(name, '')), 'A') ||
      setweight(to_tsvector('english'::regconfig, coalesce(location, '')), 'B') ||
      setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C'))) STORED
);
--> statement-breakpoint
CREATE TABLE "catalog_ticket_classes" (
	"class_id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"name" text,
	"price_minor" bigint,
	"currency" text,
	"total" integer,
	"sale_starts_at" timestamp with time zone,
	"sale_ends_at" timestamp with time zone,
	"available" integer NOT NULL,
	"state" text DEFAULT 'active' NOT NULL,
	"position" bigint NOT NULL,
	"state_position" bigint DEFAULT -1 NOT NULL,
	"detail_position" bigint DEFAULT -1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX "catalog_events_listing_ix" ON "catalog_events" USING btree ("status","is_public","starts_at","event_id");--> statement-breakpoint
CREATE INDEX "catalog_events_categories_ix" ON "catalog_events" USING gin ("categories");--> statement-breakpoint
CREATE INDEX "catalog_events_staff_ix" ON "catalog_events" USING gin ("staff_user_ids");--> statement-breakpoint
CREATE INDEX "catalog_events_search_ix" ON "catalog_events" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "catalog_ticket_classes_event_ix" ON "catalog_ticket_classes" USING btree ("event_id");