CREATE TABLE "csat_surveys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"namespace" text NOT NULL,
	"channel" text NOT NULL,
	"conversation_id" uuid NOT NULL,
	"resolved_by" text NOT NULL,
	"asked_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"score" integer,
	"answered_at" timestamp with time zone,
	"answered_via" text,
	"answer_message_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "csat_surveys_task_id_unique" UNIQUE("task_id"),
	CONSTRAINT "csat_surveys_score_range" CHECK ("csat_surveys"."score" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_task_id_agent_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."agent_tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "csat_surveys" ADD CONSTRAINT "csat_surveys_answer_message_id_messages_id_fk" FOREIGN KEY ("answer_message_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "csat_surveys_namespace_asked_idx" ON "csat_surveys" USING btree ("namespace","asked_at");--> statement-breakpoint
CREATE INDEX "csat_surveys_conversation_asked_idx" ON "csat_surveys" USING btree ("conversation_id","asked_at");