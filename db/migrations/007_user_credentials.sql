-- 007_user_credentials.sql — passwords, which the original lacks (issue 4), and demo e-mails
-- the frontend accepts.
--
-- Password hashes live outside the 5-column `users` table so that `SELECT * from users` (the
-- original's getUsers) keeps working unchanged. A user without a row here has no password;
-- whether such a user may sign in with name + e-mail alone is a BFF setting
-- (AUTH_ALLOW_PASSWORDLESS), on in the dev stack because the original frontend has no password
-- field.
CREATE TABLE IF NOT EXISTS user_credentials (
    user_id       integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE user_credentials IS
    'Argon2id password hashes (libsodium crypto_pwhash_str); absent row = no password set';

-- The frontend validates e-mail addresses and rejects the original demo domain ".u"; move the
-- two demo users to a real top-level domain, only where they still have the original value.
UPDATE users SET email = 'man@edu.io', updated_at = now() WHERE id = 1 AND name = 'man' AND email = 'man@edu.u';
UPDATE users SET email = 'woman@edu.io', updated_at = now()
 WHERE id = 2 AND name = 'woman' AND email = 'woman@edu.u';
