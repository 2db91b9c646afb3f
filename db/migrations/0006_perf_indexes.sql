DROP INDEX "payments_provider_ref_ix";--> statement-breakpoint
CREATE INDEX "payments_provider_code_ix" ON "payments" USING btree ("provider","order_code","created_at");--> statement-breakpoint
CREATE INDEX "payments_provider_ref_ix" ON "payments" USING btree ("provider","provider_ref","created_at");--> statement-breakpoint
-- Statistics for the existing rows of an upgraded database at once (issue 12), not at autovacuum's first pass.

ANALYZE "payments";--> statement-breakpoint
ANALYZE "payment_outbox";--> statement-breakpoint
ANALYZE "payment_inbox";--> statement-breakpoint
ANALYZE "order_history";--> statement-breakpoint
ANALYZE "order_history_lines";
