-- 002_users_rbac.sql — users and the RBAC tables (data-model.md §2.1, §2.3, §4).
--
-- users has EXACTLY five columns in this order: the BFF runs `SELECT * from users`
-- and decodes the rows positionally (rest-api.md §8.9). Never add a column here;
-- put extra per-user data in a separate table.
--
-- RBAC model (our decision; the original's table names are unknown):
--   roles(id, name, description)                       1 = user, 2 = admin
--   permissions(id, name, value)                       frontend "permissionIndex" ↔ value
--   modules(id, name, value, permission_id)            frontend "moduleIndex" ↔ module value
--        permission_id = the permission the frontend constant table pairs with the
--        module; get_user_permissions uses it to put one permission on each module row.
--   user_roles(user_id PK, role_id)                    one role per user
--   user_modules(user_id, module_id)                   granted module set
--   user_permissions(user_id, permission_id)           granted permission set
-- Reference rows and demo users: 003_reference_data.sql.

CREATE TABLE IF NOT EXISTS users (
    id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       varchar NOT NULL,
    email      varchar NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_name_email_key UNIQUE (name, email)
);

CREATE TABLE IF NOT EXISTS roles (
    id          integer PRIMARY KEY,
    name        varchar NOT NULL UNIQUE,
    description varchar NOT NULL DEFAULT ''
);

CREATE TABLE IF NOT EXISTS permissions (
    id    integer PRIMARY KEY,
    name  varchar NOT NULL,
    value integer NOT NULL
);

CREATE TABLE IF NOT EXISTS modules (
    id            integer PRIMARY KEY,
    name          varchar NOT NULL,
    value         integer NOT NULL UNIQUE,
    permission_id integer NOT NULL REFERENCES permissions (id)
);

CREATE TABLE IF NOT EXISTS user_roles (
    user_id integer PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    role_id integer NOT NULL REFERENCES roles (id)
);

CREATE TABLE IF NOT EXISTS user_modules (
    user_id   integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    module_id integer NOT NULL REFERENCES modules (id),
    PRIMARY KEY (user_id, module_id)
);

CREATE TABLE IF NOT EXISTS user_permissions (
    user_id       integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    permission_id integer NOT NULL REFERENCES permissions (id),
    PRIMARY KEY (user_id, permission_id)
);
