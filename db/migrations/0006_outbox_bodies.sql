-- Message bodies in their own table. A status change (claimed, sent, retried) then rewrites
-- a small outbox row, not the ~15 KB of HTML, text and template data each message carries;
-- that rewrite was most of the store's cost per delivered message.
CREATE TABLE outbox_bodies (
  outbox_id INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
  html      TEXT NOT NULL,
  text      TEXT NOT NULL,
  -- The template data, so an admin can preview again or resend with a note.
  data      TEXT NOT NULL DEFAULT '{}'
);
INSERT INTO outbox_bodies (outbox_id, html, text, data) SELECT id, html, text, data FROM outbox;
ALTER TABLE outbox DROP COLUMN html;
ALTER TABLE outbox DROP COLUMN text;
ALTER TABLE outbox DROP COLUMN data;
