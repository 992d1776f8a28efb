-- 005_api_functions.sql — the functions called by the BFF and the reporting service
-- (data-model.md §3.1; call forms in rest-api.md §10b).
--
-- Names, parameter types/order and output column order are the contract: callers use
-- `SELECT * FROM f($1, ...)` and read the columns by position. Parameter NAMES are not
-- part of the contract (all calls are positional); they carry a p_ prefix so they can
-- never be confused with column names.
--
-- No output column may be NULL except `value` (the Go original crashed on NULL scans,
-- D-14; the C++ BFF emits JSON null for a NULL value).

-- A database created by the Go original may hold routines with these names but other
-- parameter or return types (CREATE OR REPLACE cannot change a return type, and an
-- overload with a different parameter type would make calls ambiguous). Drop every
-- routine of these names in schema public first; nothing in the database depends on
-- them. (The whole file runs in one transaction.)
DO $drop$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT p.oid::regprocedure AS sig
          FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace
           AND p.proname IN ('get_user', 'get_user_permissions', 'update_user_permissions',
                             'get_perfgrowthpopulation_dashboard', 'get_healthstatus_dashboard',
                             'get_highest_gdppercapita_countries_dashboard',
                             'getpopulationofcountry', 'gethealthcasesbycountry',
                             'geteconomygovenmentbycountry', 'geteconomygdpbycountry',
                             'getgrowthgdpofcountry', 'getgrowthpopnbycountry',
                             'np_create_country_getter')
    LOOP
        EXECUTE format('DROP ROUTINE %s', r.sig);
    END LOOP;
END
$drop$;

-- ---------------------------------------------------------------------------------
-- Users and permissions
-- ---------------------------------------------------------------------------------

-- get_user(name, email) → (id, name, email): the user whose name AND email equal the
-- inputs (exact, case-sensitive); 0 or 1 row (UNIQUE(name, email)).
CREATE FUNCTION get_user(p_name varchar, p_email varchar)
RETURNS TABLE (id integer, name varchar, email varchar)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
    SELECT u.id, u.name::varchar, u.email::varchar
      FROM users u
     WHERE u.name = p_name
       AND u.email = p_email
$fn$;

-- get_user_permissions(user_id) → 11 columns, one row per granted module (ordered by
-- module id). Role columns repeat on every row. The permission columns carry the
-- permission paired with the module (modules.permission_id) when the user holds it.
-- Never NULL: a user without a role gets role 0 / '' / '', a module whose paired
-- permission is not granted gets permission 0 / '' / 0. A user without modules (or an
-- unknown id) → no rows.
CREATE FUNCTION get_user_permissions(p_user_id integer)
RETURNS TABLE (username varchar, email varchar,
               role_id integer, role_name varchar, role_description varchar,
               module_id integer, module_name varchar, module_value integer,
               permission_id integer, permission_name varchar, permission_value integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
    SELECT u.name::varchar,
           u.email::varchar,
           coalesce(r.id, 0),
           coalesce(r.name, '')::varchar,
           coalesce(r.description, '')::varchar,
           m.id,
           m.name::varchar,
           m.value,
           coalesce(p.id, 0),
           coalesce(p.name, '')::varchar,
           coalesce(p.value, 0)
      FROM users u
      JOIN user_modules um          ON um.user_id = u.id
      JOIN modules m                ON m.id = um.module_id
      LEFT JOIN user_roles ur       ON ur.user_id = u.id
      LEFT JOIN roles r             ON r.id = ur.role_id
      LEFT JOIN user_permissions up ON up.user_id = u.id AND up.permission_id = m.permission_id
      LEFT JOIN permissions p       ON p.id = up.permission_id
     WHERE u.id = p_user_id
     ORDER BY m.id
$fn$;

-- update_user_permissions(user_id, role_id, modules[], permissions[]) → void.
-- Replaces the user's role, module set and permission set. Module and permission
-- arguments are ROW IDS (frontend moduleIndex / permissionIndex), not module values.
-- A NULL array means the empty set; duplicates are ignored. Unknown user/role/module/
-- permission ids raise (SQLSTATE 23503) and nothing is changed. Runs inside the
-- caller's transaction (the BFF does BEGIN; SELECT update_user_permissions(...); COMMIT).
CREATE FUNCTION update_user_permissions(p_user_id integer, p_role_id integer,
                                        p_modules integer[], p_permissions integer[])
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_modules     integer[] := coalesce(p_modules, '{}');
    v_permissions integer[] := coalesce(p_permissions, '{}');
    v_bad         text;
BEGIN
    IF p_user_id IS NULL OR p_role_id IS NULL THEN
        RAISE EXCEPTION 'update_user_permissions: user id and role id must not be null'
              USING ERRCODE = 'null_value_not_allowed';
    END IF;

    -- Lock the user row: concurrent updates of the same user are serialised.
    PERFORM 1 FROM users WHERE id = p_user_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'update_user_permissions: unknown user id %', p_user_id
              USING ERRCODE = 'foreign_key_violation';
    END IF;

    IF NOT EXISTS (SELECT 1 FROM roles WHERE id = p_role_id) THEN
        RAISE EXCEPTION 'update_user_permissions: unknown role id %', p_role_id
              USING ERRCODE = 'foreign_key_violation';
    END IF;

    SELECT string_agg(coalesce(x::text, 'NULL'), ', ' ORDER BY x) INTO v_bad
      FROM (SELECT DISTINCT x FROM unnest(v_modules) AS x) s
     WHERE x IS NULL OR NOT EXISTS (SELECT 1 FROM modules m WHERE m.id = x);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'update_user_permissions: unknown module id(s): %', v_bad
              USING ERRCODE = 'foreign_key_violation';
    END IF;

    SELECT string_agg(coalesce(x::text, 'NULL'), ', ' ORDER BY x) INTO v_bad
      FROM (SELECT DISTINCT x FROM unnest(v_permissions) AS x) s
     WHERE x IS NULL OR NOT EXISTS (SELECT 1 FROM permissions p WHERE p.id = x);
    IF v_bad IS NOT NULL THEN
        RAISE EXCEPTION 'update_user_permissions: unknown permission id(s): %', v_bad
              USING ERRCODE = 'foreign_key_violation';
    END IF;

    INSERT INTO user_roles (user_id, role_id) VALUES (p_user_id, p_role_id)
    ON CONFLICT (user_id) DO UPDATE SET role_id = EXCLUDED.role_id;

    DELETE FROM user_modules
     WHERE user_id = p_user_id AND NOT (module_id = ANY (v_modules));
    INSERT INTO user_modules (user_id, module_id)
    SELECT DISTINCT p_user_id, x FROM unnest(v_modules) AS x
    ON CONFLICT DO NOTHING;

    DELETE FROM user_permissions
     WHERE user_id = p_user_id AND NOT (permission_id = ANY (v_permissions));
    INSERT INTO user_permissions (user_id, permission_id)
    SELECT DISTINCT p_user_id, x FROM unnest(v_permissions) AS x
    ON CONFLICT DO NOTHING;

    UPDATE users SET updated_at = now() WHERE id = p_user_id;
END
$fn$;

-- ---------------------------------------------------------------------------------
-- Dashboards (public routes; rest-api.md §8.10). Semantics are OUR decisions:
-- the OECD snapshot ends years before the current calendar year that the BFF passes,
-- so every year-parameterised dashboard uses "the latest year <= the requested year
-- that has data" instead of an exact year match. A NULL year means "latest year";
-- a NULL top_n means "no limit"; a negative top_n gives no rows. Rows with a NULL
-- value are ignored. Ties in the final order are broken by country_code.
-- ---------------------------------------------------------------------------------

-- get_perfgrowthpopulation_dashboard(year, top_n)
--   → (country_code, country_name, indicator, indicator_code, year int, value)
-- Source gpopulationtable, indicator_code = 'POP'. Its year column is text: only
-- 4-digit years are considered, compared numerically and returned as integer.
-- Picks Y = the latest year <= p_year having POP rows with a value, then the top_n
-- countries by value (desc) in Y (one row per country: its highest value in Y).
CREATE FUNCTION get_perfgrowthpopulation_dashboard(p_year integer, p_top_n integer)
RETURNS TABLE (country_code varchar, country_name varchar, indicator varchar,
               indicator_code varchar, year integer, value double precision)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
    WITH pop AS (
        SELECT g.country_code::varchar   AS country_code,
               g.country_name::varchar   AS country_name,
               g.indicator::varchar      AS indicator,
               g.indicator_code::varchar AS indicator_code,
               -- CASE (not a WHERE filter) guards the cast whatever the plan order
               CASE WHEN g.year::text ~ '^[0-9]{4}$' THEN g.year::text::integer END AS yr,
               g.value::double precision AS value
          FROM gpopulationtable g
         WHERE g.indicator_code = 'POP'
           AND g.value IS NOT NULL
    ), target AS (
        SELECT max(pop.yr) AS yr
          FROM pop
         WHERE p_year IS NULL OR pop.yr <= p_year
    ), best AS (
        SELECT DISTINCT ON (pop.country_code) pop.*
          FROM pop
          JOIN target ON pop.yr = target.yr
         ORDER BY pop.country_code, pop.value DESC
    )
    SELECT b.country_code, b.country_name, b.indicator, b.indicator_code, b.yr, b.value
      FROM best b
     ORDER BY b.value DESC, b.country_code
     LIMIT CASE WHEN p_top_n IS NULL THEN NULL ELSE GREATEST(p_top_n, 0) END
$fn$;

-- get_healthstatus_dashboard()
--   → (country_code, country_name, indicator, indicator_code, year int, value,
--      sex_name, cause, unit_range)
-- Source htable, sex_code = '_T', indicator_code = 'CSEM'; one row per country at its
-- latest year having a value (ties in that year: highest value), ordered by
-- country_code. FALLBACK (our decision): when htable holds no CSEM '_T' row with a
-- value — the case for the bundled snapshot, which has only LFEXP (life expectancy)
-- and INM (infant mortality) — the same rule is applied to indicator_code = 'LFEXP'.
CREATE FUNCTION get_healthstatus_dashboard()
RETURNS TABLE (country_code varchar, country_name varchar, indicator varchar,
               indicator_code varchar, year integer, value double precision,
               sex_name varchar, cause varchar, unit_range varchar)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
    WITH chosen AS (
        SELECT CASE WHEN EXISTS (SELECT 1 FROM htable c
                                  WHERE c.indicator_code = 'CSEM'
                                    AND c.sex_code = '_T'
                                    AND c.value IS NOT NULL)
                    THEN 'CSEM' ELSE 'LFEXP' END AS code
    )
    SELECT DISTINCT ON (h.country_code)
           h.country_code::varchar, h.country_name::varchar, h.indicator::varchar,
           h.indicator_code::varchar, h.year::integer, h.value::double precision,
           h.sex_name::varchar, h.cause::varchar, h.unit_range::varchar
      FROM htable h
      JOIN chosen ON h.indicator_code = chosen.code
     WHERE h.sex_code = '_T'
       AND h.value IS NOT NULL
     ORDER BY h.country_code, h.year DESC, h.value DESC
$fn$;

-- get_highest_gdppercapita_countries_dashboard(year, top_n)
--   → (country_code, country_name, indicator, indicator_code, year text, value)
-- Source egdptable, whose periods are '2024-Q1' (quarterly) or '2022' (annual): the
-- year of a period is left(year, 4). Picks Y = the latest year <= p_year having rows
-- with a value; for each country its highest-value row among the periods of Y (ties:
-- latest period); then the top_n by value desc. The period of the chosen row is
-- returned unchanged as text (e.g. '2024-Q3' or '2022').
CREATE FUNCTION get_highest_gdppercapita_countries_dashboard(p_year integer, p_top_n integer)
RETURNS TABLE (country_code varchar, country_name varchar, indicator varchar,
               indicator_code varchar, year text, value double precision)
LANGUAGE sql STABLE PARALLEL SAFE
AS $fn$
    WITH e AS (
        SELECT g.country_code::varchar   AS country_code,
               g.country_name::varchar   AS country_name,
               g.indicator::varchar      AS indicator,
               g.indicator_code::varchar AS indicator_code,
               g.year::text              AS period,
               CASE WHEN left(g.year::text, 4) ~ '^[0-9]{4}$'
                    THEN left(g.year::text, 4)::integer END AS yr,
               g.value::double precision AS value
          FROM egdptable g
         WHERE g.value IS NOT NULL
    ), target AS (
        SELECT max(e.yr) AS yr
          FROM e
         WHERE p_year IS NULL OR e.yr <= p_year
    ), best AS (
        SELECT DISTINCT ON (e.country_code) e.*
          FROM e
          JOIN target ON e.yr = target.yr
         ORDER BY e.country_code, e.value DESC, e.period DESC
    )
    SELECT b.country_code, b.country_name, b.indicator, b.indicator_code, b.period, b.value
      FROM best b
     ORDER BY b.value DESC, b.country_code
     LIMIT CASE WHEN p_top_n IS NULL THEN NULL ELSE GREATEST(p_top_n, 0) END
$fn$;

-- ---------------------------------------------------------------------------------
-- Country getters (BFF routes 13–18 and the reporting service; data-model.md §3.1).
-- RETURNS SETOF <table>: the output columns are the table's, in table order.
-- Filter with `=` (not LIKE as in the original, D-18): '%' and '_' are literal, an
-- empty string or NULL matches nothing. Ordered by indicator_code, year (then id for
-- a deterministic order within a year, e.g. the age bands of poptable).
--
-- They depend on their tables (DROP TABLE ... CASCADE would drop them, D-35). Our
-- ingestion never drops the tables. For the Go original's ingestion, which does drop
-- them, the create_*_table procedures (006) call np_create_country_getter(<table>)
-- to re-create the getter; the definitions therefore live in that one procedure.
-- ---------------------------------------------------------------------------------
CREATE PROCEDURE np_create_country_getter(p_table_name text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    CASE p_table_name
    WHEN 'poptable' THEN
        CREATE OR REPLACE FUNCTION public.getpopulationofcountry(p_country_code varchar)
        RETURNS SETOF public.poptable
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.poptable
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$;
    WHEN 'htable' THEN
        CREATE OR REPLACE FUNCTION public.gethealthcasesbycountry(p_country_code varchar)
        RETURNS SETOF public.htable
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.htable
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$;
    WHEN 'egovtable' THEN
        -- (sic) "govenment": the name the BFF and the reporting service call
        CREATE OR REPLACE FUNCTION public.geteconomygovenmentbycountry(p_country_code varchar)
        RETURNS SETOF public.egovtable
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.egovtable
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$;
    WHEN 'egdptable' THEN
        CREATE OR REPLACE FUNCTION public.geteconomygdpbycountry(p_country_code varchar)
        RETURNS SETOF public.egdptable
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.egdptable
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$;
    WHEN 'ggdptable' THEN
        CREATE OR REPLACE FUNCTION public.getgrowthgdpofcountry(p_country_code varchar)
        RETURNS SETOF public.ggdptable
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.ggdptable
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$;
    WHEN 'gpopulationtable' THEN
        CREATE OR REPLACE FUNCTION public.getgrowthpopnbycountry(p_country_code varchar)
        RETURNS SETOF public.gpopulationtable
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.gpopulationtable
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$;
    ELSE
        NULL;  -- not one of the six canonical tables: no getter
    END CASE;
END
$proc$;

CALL np_create_country_getter('poptable');
CALL np_create_country_getter('htable');
CALL np_create_country_getter('egovtable');
CALL np_create_country_getter('egdptable');
CALL np_create_country_getter('ggdptable');
CALL np_create_country_getter('gpopulationtable');
