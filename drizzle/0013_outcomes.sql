CREATE TABLE "reply_feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"namespace" text NOT NULL,
	"category" text NOT NULL,
	"note" text,
	"agent" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_outcomes" (
	"task_id" uuid PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"channel" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"intent" text,
	"resolved_by" text NOT NULL,
	"handed_over" boolean NOT NULL,
	"handoff_reason" text,
	"attribution" text,
	"approval" text,
	"first_response_ms" integer,
	"first_human_response_ms" integer,
	"reopened" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "gate_cause" text;--> statement-breakpoint
ALTER TABLE "reply_feedback" ADD CONSTRAINT "reply_feedback_task_id_agent_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."agent_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_outcomes" ADD CONSTRAINT "task_outcomes_task_id_agent_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."agent_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reply_feedback_namespace_created_idx" ON "reply_feedback" USING btree ("namespace","created_at");--> statement-breakpoint
CREATE INDEX "reply_feedback_task_idx" ON "reply_feedback" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "task_outcomes_namespace_created_idx" ON "task_outcomes" USING btree ("namespace","created_at");--> statement-breakpoint
CREATE INDEX "task_outcomes_conversation_finished_idx" ON "task_outcomes" USING btree ("conversation_id","finished_at");