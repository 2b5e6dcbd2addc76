-- The web app's own state: opaque link tokens, admin sessions and the audit log.

-- Tokens in links. Only a SHA-256 hash of each token is kept, so the table alone opens nothing.
-- purpose: 'manage' (one per address, the manage/unsubscribe link in every mail; never expires),
-- 'confirm' (a subscription request waiting for its link; data holds the request),
-- 'login' (an admin's sign-in link).
CREATE TABLE link_tokens (
  hash       TEXT PRIMARY KEY,
  purpose    TEXT NOT NULL CHECK (purpose IN ('manage', 'confirm', 'login')),
  email      TEXT NOT NULL COLLATE NOCASE,
  data       TEXT NOT NULL DEFAULT '{}',
  created_at TEXT NOT NULL,
  expires_at TEXT,
  used_at    TEXT
);
CREATE UNIQUE INDEX link_tokens_manage ON link_tokens(email) WHERE purpose = 'manage';
CREATE INDEX link_tokens_email ON link_tokens(purpose, email, created_at);

-- Admin sessions: the cookie holds a random id, the table its hash.
CREATE TABLE admin_sessions (
  hash       TEXT PRIMARY KEY,
  email      TEXT NOT NULL COLLATE NOCASE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);

-- Who did what, when and why, in the admin console (and the CLI's login links).
CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  target  TEXT,
  reason  TEXT,
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
