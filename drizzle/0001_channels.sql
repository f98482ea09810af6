CREATE TABLE "inbound_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" text NOT NULL,
	"channel_account_id" uuid,
	"event_id" text,
	"kind" text NOT NULL,
	"outcome" text NOT NULL,
	"reason" text,
	"payload" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "conversations_account_contact_key";--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "external_id" text;--> statement-breakpoint
-- Existing conversations (WhatsApp, one per customer) are addressed by the customer's id.
UPDATE "conversations" SET "external_id" = "contacts"."external_id" FROM "contacts" WHERE "contacts"."id" = "conversations"."contact_id";--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "external_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "title" text;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "blocked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "blocked_reason" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "contact_id" uuid;--> statement-breakpoint
UPDATE "messages" SET "contact_id" = "conversations"."contact_id" FROM "conversations" WHERE "conversations"."id" = "messages"."conversation_id" AND "messages"."direction" = 'inbound';--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "reply_to_external_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "attachments" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_deliveries" ADD COLUMN "error_code" text;--> statement-breakpoint
ALTER TABLE "outbound_deliveries" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbound_deliveries" ADD COLUMN "read_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD CONSTRAINT "inbound_events_channel_account_id_channel_accounts_id_fk" FOREIGN KEY ("channel_account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_events_account_event_id_key" ON "inbound_events" USING btree ("channel_account_id","event_id");--> statement-breakpoint
CREATE INDEX "inbound_events_created_idx" ON "inbound_events" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_account_external_id_key" ON "conversations" USING btree ("channel_account_id","external_id");--> statement-breakpoint
CREATE INDEX "conversations_contact_idx" ON "conversations" USING btree ("contact_id");