ALTER TABLE "agent_tasks" ADD COLUMN "citations" jsonb;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "model" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "prompt_tokens" integer;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "completion_tokens" integer;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "draft_fallback" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "gate_route" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "gate_intent" text;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "gate_confidence" real;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "gate_reasons" jsonb;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "unresolved" boolean;--> statement-breakpoint
ALTER TABLE "agent_tasks" ADD COLUMN "joined_escalation_id" uuid;