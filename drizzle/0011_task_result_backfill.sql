-- The result bag becomes typed columns (0010): copy what each task had, then drop the bag.
UPDATE "agent_tasks" SET
  "citations" = "result" -> 'citations',
  "model" = "result" ->> 'model',
  "prompt_tokens" = ("result" -> 'usage' ->> 'promptTokens')::integer,
  "completion_tokens" = ("result" -> 'usage' ->> 'completionTokens')::integer,
  "draft_fallback" = "result" ->> 'fallback',
  "gate_route" = "result" -> 'gate' ->> 'route',
  "gate_intent" = "result" -> 'gate' ->> 'intent',
  "gate_confidence" = ("result" -> 'gate' ->> 'confidence')::real,
  "gate_reasons" = "result" -> 'gate' -> 'reasons',
  "unresolved" = ("result" ->> 'unresolved')::boolean,
  "joined_escalation_id" = ("result" ->> 'joinedEscalation')::uuid
WHERE "result" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_tasks" DROP COLUMN "result";
