-- 003_reference_data.sql — RBAC reference rows and the two demo users
-- (data-model.md §2.3; ids/values are the frontend's constant table).
--
-- ON CONFLICT DO NOTHING: never overwrites rows an operator has changed.

INSERT INTO roles (id, name, description) VALUES
    (1, 'user',  'Normal user'),
    (2, 'admin', 'Administrator')
ON CONFLICT DO NOTHING;

-- Permission ids 1,2,4,5,6,7 (there is no id 3: the frontend pairs both Population
-- and Health with permission 2). Names of ids 5 and 7 are not given by the frontend
-- ("unnamed" / "admin"); GROWTH_UX and ADMIN_UX are our choice (columns are NOT NULL
-- because the BFF cannot scan NULLs).
INSERT INTO permissions (id, name, value) VALUES
    (1, 'NATIONPULSE_UX',        100),
    (2, 'POPULATION_HEALTH_UX',  200),
    (4, 'GOVERNMENT_ECONOMY_UX', 300),
    (5, 'GROWTH_UX',             300),
    (6, 'DOWNLOAD_REPORTS_UX',   400),
    (7, 'ADMIN_UX',               99)
ON CONFLICT DO NOTHING;

-- module id (frontend moduleIndex) | value checked by the BFF | name | paired permission id
INSERT INTO modules (id, name, value, permission_id) VALUES
    (1, 'Dashboard',   11, 1),
    (2, 'Population',  12, 2),
    (3, 'Health',      13, 2),
    (4, 'Economy',     14, 4),
    (5, 'Reports',     15, 6),
    (6, 'Permissions', 50, 7),
    (7, 'Growth',      16, 5)
ON CONFLICT DO NOTHING;

-- Demo users (frontend): id 1 = man (guest), id 2 = woman (admin; the frontend treats
-- user id 2 as the admin and sends role 2 for it).
INSERT INTO users (id, name, email) OVERRIDING SYSTEM VALUE VALUES
    (1, 'man',   'man@edu.u'),
    (2, 'woman', 'woman@edu.u')
ON CONFLICT DO NOTHING;

-- Let the identity continue after the explicit ids (next generated id >= 3).
DO $$
BEGIN
    PERFORM setval(pg_get_serial_sequence('users', 'id'),
                   GREATEST((SELECT max(id) FROM users), 1));
END
$$;

INSERT INTO user_roles (user_id, role_id) VALUES
    (1, 1),
    (2, 2)
ON CONFLICT DO NOTHING;

-- man: Dashboard (11), Population (12), Health (13); woman: every module.
INSERT INTO user_modules (user_id, module_id) VALUES
    (1, 1), (1, 2), (1, 3),
    (2, 1), (2, 2), (2, 3), (2, 4), (2, 5), (2, 6), (2, 7)
ON CONFLICT DO NOTHING;

-- The permissions paired with those modules.
INSERT INTO user_permissions (user_id, permission_id) VALUES
    (1, 1), (1, 2),
    (2, 1), (2, 2), (2, 4), (2, 5), (2, 6), (2, 7)
ON CONFLICT DO NOTHING;
