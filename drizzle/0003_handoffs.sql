CREATE TABLE "escalations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"namespace" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"reason" text NOT NULL,
	"draft" text,
	"passages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"assignee" text,
	"deadline_at" timestamp with time zone NOT NULL,
	"notified_at" timestamp with time zone,
	"notify_error" text,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"resolution" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "human_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"escalation_id" uuid,
	"kind" text NOT NULL,
	"agent" text NOT NULL,
	"action" text NOT NULL,
	"text" text,
	"outcome" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_task_id_agent_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."agent_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalations" ADD CONSTRAINT "escalations_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_decisions" ADD CONSTRAINT "human_decisions_task_id_agent_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."agent_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "human_decisions" ADD CONSTRAINT "human_decisions_escalation_id_escalations_id_fk" FOREIGN KEY ("escalation_id") REFERENCES "public"."escalations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "escalations_task_kind_key" ON "escalations" USING btree ("task_id","kind");--> statement-breakpoint
CREATE INDEX "escalations_status_created_idx" ON "escalations" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "escalations_conversation_status_idx" ON "escalations" USING btree ("conversation_id","status");--> statement-breakpoint
CREATE INDEX "human_decisions_task_idx" ON "human_decisions" USING btree ("task_id","created_at");