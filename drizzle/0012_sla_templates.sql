CREATE TABLE "message_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"namespace" text NOT NULL,
	"channel_account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"language" text NOT NULL,
	"category" text DEFAULT 'UTILITY' NOT NULL,
	"status" text DEFAULT 'APPROVED' NOT NULL,
	"body" text NOT NULL,
	"parameter_count" integer NOT NULL,
	"source" text DEFAULT 'api' NOT NULL,
	"external_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "claimed_by" text;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "claim_active_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "offered_to" text;--> statement-breakpoint
ALTER TABLE "escalations" ADD COLUMN "sla" jsonb;--> statement-breakpoint
ALTER TABLE "outbound_deliveries" ADD COLUMN "template" jsonb;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_namespace_namespaces_name_fk" FOREIGN KEY ("namespace") REFERENCES "public"."namespaces"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_templates" ADD CONSTRAINT "message_templates_channel_account_id_channel_accounts_id_fk" FOREIGN KEY ("channel_account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "message_templates_account_name_language_key" ON "message_templates" USING btree ("channel_account_id","name","language");--> statement-breakpoint
CREATE INDEX "message_templates_namespace_idx" ON "message_templates" USING btree ("namespace");--> statement-breakpoint
-- The live feed announces a hand-off's changes too: opened, claimed, offered to the next agent, an SLA step done, closed.
CREATE OR REPLACE FUNCTION agent_task_events_escalation() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('agent_task_events', json_build_object(
    'type', 'task.escalation', 'taskId', NEW.task_id, 'namespace', NEW.namespace,
    'escalationId', NEW.id, 'status', NEW.status)::text);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER escalations_changed AFTER INSERT OR UPDATE OF status, claimed_by, offered_to, sla ON escalations
  FOR EACH ROW EXECUTE FUNCTION agent_task_events_escalation();
