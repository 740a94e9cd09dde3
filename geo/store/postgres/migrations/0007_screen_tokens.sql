-- Wall-screen tokens: only a SHA-256 hash of each is kept (the token is shown once, when made).
-- A name has at most one active token; revoking stamps the time, and the row stays as a record.
CREATE TABLE screen_tokens (
    id serial PRIMARY KEY,
    name text NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created timestamptz NOT NULL DEFAULT now(),
    revoked timestamptz
);
CREATE UNIQUE INDEX screen_tokens_one_active ON screen_tokens (name) WHERE revoked IS NULL;
