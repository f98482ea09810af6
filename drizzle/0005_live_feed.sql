-- The live feed: every change a subscriber may see is announced on the channel
-- `agent_task_events` by the database itself, whichever process wrote it (API, worker).
-- Payloads carry ids only (NOTIFY payloads are limited to 8000 bytes); the feed reads the rows.
CREATE OR REPLACE FUNCTION agent_task_events_task() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('agent_task_events', json_build_object(
    'type', CASE WHEN TG_OP = 'INSERT' THEN 'task.created' ELSE 'task.status' END,
    'taskId', NEW.id, 'namespace', NEW.namespace, 'status', NEW.status)::text);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agent_tasks_created AFTER INSERT ON agent_tasks
  FOR EACH ROW EXECUTE FUNCTION agent_task_events_task();
--> statement-breakpoint
CREATE TRIGGER agent_tasks_status AFTER UPDATE OF status ON agent_tasks
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION agent_task_events_task();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION agent_task_events_step() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('agent_task_events', json_build_object(
    'type', 'task.step', 'taskId', NEW.task_id,
    'namespace', (SELECT t.namespace FROM agent_tasks t WHERE t.id = NEW.task_id),
    'toolCallId', NEW.id, 'name', NEW.name, 'status', NEW.status, 'attempt', NEW.attempt)::text);
  RETURN NEW;
END
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER agent_tool_calls_changed AFTER INSERT OR UPDATE OF status ON agent_tool_calls
  FOR EACH ROW EXECUTE FUNCTION agent_task_events_step();
