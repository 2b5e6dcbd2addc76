-- Every status an outbox message passes through, for `driftkoll outbox show ID`. Written by
-- triggers, so every path that moves a message (claim, send, retry, failure, requeue) is
-- recorded without each having to remember to. The time is the one the row itself carries
-- for that step (created_at, claimed_at, sent_at, the failure's time), so the history
-- follows the injected clock; a return to the queue records the next attempt time.

CREATE TABLE outbox_history (
  id        INTEGER PRIMARY KEY,
  outbox_id INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
  status    TEXT NOT NULL,
  at        TEXT NOT NULL,
  attempts  INTEGER NOT NULL,
  error     TEXT
);
CREATE INDEX outbox_history_message ON outbox_history(outbox_id, id);

CREATE TRIGGER outbox_history_insert AFTER INSERT ON outbox
BEGIN
  INSERT INTO outbox_history (outbox_id, status, at, attempts, error)
  VALUES (NEW.id, NEW.status, NEW.created_at, NEW.attempts, NEW.last_error);
END;

CREATE TRIGGER outbox_history_update AFTER UPDATE OF status ON outbox
WHEN NEW.status IS NOT OLD.status
BEGIN
  INSERT INTO outbox_history (outbox_id, status, at, attempts, error)
  VALUES (
    NEW.id,
    NEW.status,
    COALESCE(CASE NEW.status
      WHEN 'sending' THEN NEW.claimed_at
      WHEN 'sent' THEN NEW.sent_at
      ELSE NEW.next_attempt_at
    END, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    NEW.attempts,
    CASE WHEN NEW.status IN ('queued', 'failed') THEN NEW.last_error END
  );
END;

-- Messages already in the outbox get the part of their history the row still shows.
INSERT INTO outbox_history (outbox_id, status, at, attempts, error)
  SELECT id, 'queued', created_at, 0, NULL FROM outbox;
INSERT INTO outbox_history (outbox_id, status, at, attempts, error)
  SELECT id, status, COALESCE(sent_at, claimed_at, next_attempt_at), attempts, last_error FROM outbox WHERE status <> 'queued';
