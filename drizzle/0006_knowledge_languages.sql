-- Knowledge in any language (src/knowledge/language.ts): each chunk is stemmed with the text-search
-- configuration of its own language, accents removed, so "reembolsó" finds "reembolso" and a
-- German article is stemmed as German. pg_trgm proposes spelling corrections for words the
-- knowledge lacks. Embeddings are tracked per chunk: a failed one is `pending` and retried.
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS unaccent; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'unaccent not available: %', SQLERRM; END $$;
--> statement-breakpoint
DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'pg_trgm not available: %', SQLERRM; END $$;
--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change); a generated column needs an IMMUTABLE
-- function, hence this wrapper naming the dictionary. Without the extension it leaves text as is.
DO $$
DECLARE schema_name text;
BEGIN
  SELECT n.nspname INTO schema_name FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent';
  IF schema_name IS NOT NULL THEN
    EXECUTE format('CREATE OR REPLACE FUNCTION knowledge_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS %L',
      format('SELECT %I.unaccent(%L::regdictionary, $1)', schema_name, schema_name || '.unaccent'));
  ELSE
    CREATE OR REPLACE FUNCTION knowledge_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS 'SELECT $1';
  END IF;
END $$;
--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "language" text DEFAULT 'english' NOT NULL;
--> statement-breakpoint
ALTER TABLE "documents" ALTER COLUMN "language" SET DEFAULT 'simple';
--> statement-breakpoint
DROP INDEX IF EXISTS "document_chunks_tsv_idx";
--> statement-breakpoint
ALTER TABLE "document_chunks" DROP COLUMN "tsv";
--> statement-breakpoint
-- Chunks stored before this migration were stemmed as English: they stay English.
ALTER TABLE "document_chunks" ADD COLUMN "language" regconfig DEFAULT 'english' NOT NULL;
--> statement-breakpoint
ALTER TABLE "document_chunks" ALTER COLUMN "language" SET DEFAULT 'simple';
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "tsv" tsvector GENERATED ALWAYS AS (to_tsvector(language, knowledge_unaccent(coalesce(heading, '') || ' ' || text))) STORED NOT NULL;
--> statement-breakpoint
CREATE INDEX "document_chunks_tsv_idx" ON "document_chunks" USING gin ("tsv");
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "embedding_model" text;
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "embedding_status" text DEFAULT 'none' NOT NULL;
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "embedding_attempts" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "embedding_error" text;
--> statement-breakpoint
ALTER TABLE "document_chunks" ADD COLUMN "embed_after" timestamp with time zone;
--> statement-breakpoint
UPDATE "document_chunks" SET "embedding_status" = 'embedded' WHERE "embedding" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX "document_chunks_pending_idx" ON "document_chunks" USING btree ("embed_after") WHERE embedding_status = 'pending';
