-- Retention: the cleanup's ledger of deleted batches (exact counts across retries), and the index deleting an escalation's decisions needs.
CREATE TABLE "retention_batches" (
	"run_key" text NOT NULL,
	"seq" integer NOT NULL,
	"namespace" text NOT NULL,
	"step" text NOT NULL,
	"deleted" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retention_batches_run_key_seq_pk" PRIMARY KEY("run_key","seq")
);
--> statement-breakpoint
CREATE INDEX "retention_batches_created_idx" ON "retention_batches" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "human_decisions_escalation_idx" ON "human_decisions" USING btree ("escalation_id");