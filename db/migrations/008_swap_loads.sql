-- 008_swap_loads.sql — ingestion loads a fresh copy of a data table and swaps it in
-- (data-model.md §8.2: "load a staging table and swap"), instead of DELETE + COPY into the
-- live table.
--
-- Why: COPY into a table without indexes, then building the indexes in bulk, takes half the
-- server time of maintaining them row by row (docs/benchmarks.md, "Ingestion load"), and the live
-- table neither bloats with the dead rows of every reload nor needs a vacuum to shrink again.
--
-- Readers: until the swap commits they read the old table; the swap holds an ACCESS EXCLUSIVE
-- lock only for the drop + renames (milliseconds), taken with a short lock_timeout and retried
-- so that a waiting swap never stalls readers for long. A query that waited on that lock looks
-- the name up again and reads the new table. Every reader goes through the getters below and
-- the dashboard functions, which the planner inlines: the table lock is taken while planning,
-- before the statement's snapshot, so no reader sees the new table with an older snapshot
-- (empty). ingestion_itest checks that they stay inlined.
--
-- 1. The getters are re-declared RETURNS TABLE (<the table's columns>) instead of RETURNS SETOF
--    <table>: same output columns, names, types and order for `SELECT * FROM getter($1)`, but no
--    dependency on the table's row type, which is what made DROP TABLE drop them (D-30, D-35).
--    This migration is the only place they are dropped (in its own transaction); ingestion never
--    touches them.
-- 2. np_begin_load(table) creates np_load_<table> with the live table's columns, defaults,
--    identity and check constraints, with no index, and continues the identity sequence so ids
--    are never reused across loads.
-- 3. np_finish_load(table) builds the live table's indexes and key constraints on the loaded
--    copy, copies owner, grants and comment, analyses it, then swaps: drops the live table and
--    renames the copy, its indexes, constraints and sequence to the live names.
-- Both run inside the loader's transaction: any error rolls the whole load back, the copy
-- disappears and the live table was never touched.

-- ---------------------------------------------------------------------------------
-- 1. Getters without a row-type dependency
-- ---------------------------------------------------------------------------------
CREATE OR REPLACE PROCEDURE np_create_country_getter(p_table_name text)
LANGUAGE plpgsql
AS $proc$
DECLARE
    v_function text;
    v_columns  text;
BEGIN
    v_function := CASE p_table_name
        WHEN 'poptable'         THEN 'getpopulationofcountry'
        WHEN 'htable'           THEN 'gethealthcasesbycountry'
        -- (sic) "govenment": the name the BFF and the reporting service call
        WHEN 'egovtable'        THEN 'geteconomygovenmentbycountry'
        WHEN 'egdptable'        THEN 'geteconomygdpbycountry'
        WHEN 'ggdptable'        THEN 'getgrowthgdpofcountry'
        WHEN 'gpopulationtable' THEN 'getgrowthpopnbycountry'
    END;
    IF v_function IS NULL THEN
        RETURN;  -- not one of the six canonical tables: no getter
    END IF;
    -- The output columns are the table's, in table order, as RETURNS SETOF <table> had them.
    SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', '
                      ORDER BY a.attnum)
      INTO v_columns
      FROM pg_attribute a
     WHERE a.attrelid = format('public.%I', p_table_name)::regclass
       AND a.attnum > 0 AND NOT a.attisdropped;
    -- Filter with `=` (not LIKE as in the original, D-18); ordered by indicator_code, year, then
    -- id for a deterministic order within a year (e.g. the age bands of poptable).
    EXECUTE format($ddl$
        CREATE OR REPLACE FUNCTION public.%I(p_country_code varchar)
        RETURNS TABLE (%s)
        LANGUAGE sql STABLE PARALLEL SAFE
        AS $g$
            SELECT * FROM public.%I
             WHERE country_code = p_country_code
             ORDER BY indicator_code, year, id
        $g$$ddl$, v_function, v_columns, p_table_name);
END
$proc$;

DROP FUNCTION IF EXISTS public.getpopulationofcountry(varchar);
DROP FUNCTION IF EXISTS public.gethealthcasesbycountry(varchar);
DROP FUNCTION IF EXISTS public.geteconomygovenmentbycountry(varchar);
DROP FUNCTION IF EXISTS public.geteconomygdpbycountry(varchar);
DROP FUNCTION IF EXISTS public.getgrowthgdpofcountry(varchar);
DROP FUNCTION IF EXISTS public.getgrowthpopnbycountry(varchar);
CALL np_create_country_getter('poptable');
CALL np_create_country_getter('htable');
CALL np_create_country_getter('egovtable');
CALL np_create_country_getter('egdptable');
CALL np_create_country_getter('ggdptable');
CALL np_create_country_getter('gpopulationtable');

-- ---------------------------------------------------------------------------------
-- 2. np_begin_load
-- ---------------------------------------------------------------------------------
-- The live table of a load, for the six data tables only (the loader's SQL never reaches an
-- arbitrary table).
CREATE OR REPLACE FUNCTION np_data_table(p_table text)
RETURNS regclass
LANGUAGE plpgsql STABLE
AS $fn$
BEGIN
    IF p_table NOT IN ('poptable', 'htable', 'egovtable', 'egdptable', 'ggdptable', 'gpopulationtable') THEN
        RAISE EXCEPTION '% is not a data table', p_table USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN format('public.%I', p_table)::regclass;
END
$fn$;

-- Returns the name of the empty copy to COPY into.
CREATE OR REPLACE FUNCTION np_begin_load(p_table text)
RETURNS text
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_live regclass := np_data_table(p_table);
    v_load text := 'np_load_' || p_table;
    r      record;
BEGIN
    -- A copy left by an earlier load cannot exist (it is created and renamed in one transaction);
    -- one made by hand would only be in the way. (No DROP IF EXISTS: its NOTICE would reach the log.)
    IF to_regclass(format('public.%I', v_load)) IS NOT NULL THEN
        EXECUTE format('DROP TABLE public.%I', v_load);
    END IF;
    EXECUTE format('CREATE TABLE public.%I (LIKE public.%I INCLUDING DEFAULTS INCLUDING IDENTITY '
                   'INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS)',
                   v_load, p_table);
    -- Continue each identity where the live table's sequence is.
    FOR r IN
        SELECT a.attname
          FROM pg_attribute a
         WHERE a.attrelid = v_live AND a.attidentity <> '' AND NOT a.attisdropped
    LOOP
        EXECUTE format('SELECT setval(%L, last_value, is_called) FROM %s',
                       pg_get_serial_sequence(format('public.%I', v_load), r.attname),
                       pg_get_serial_sequence(format('public.%I', p_table), r.attname));
    END LOOP;
    RETURN v_load;
END
$fn$;

-- ---------------------------------------------------------------------------------
-- 3. np_finish_load
-- ---------------------------------------------------------------------------------
-- p_lock_attempts × (p_lock_timeout + a short pause) bounds how long the swap waits for readers
-- to let go of the live table; each attempt makes new readers wait at most p_lock_timeout.
CREATE OR REPLACE FUNCTION np_finish_load(p_table text, p_lock_timeout interval DEFAULT '200 ms',
                                          p_lock_attempts integer DEFAULT 50)
RETURNS void
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_live      regclass := np_data_table(p_table);
    v_load      text := 'np_load_' || p_table;
    v_owner     text;
    v_comment   text;
    v_timeout   text := current_setting('lock_timeout');
    v_locked    boolean := false;
    v_renames   text[] := '{}';
    v_sequences text[] := '{}';
    r           record;
BEGIN

    -- Indexes and key constraints of the live table, built in bulk on the copy under temporary
    -- names; the definition after USING (method, columns, INCLUDE, WITH, WHERE) does not name the table.
    FOR r IN
        SELECT c.relname AS index_name, i.indisunique, pg_get_indexdef(i.indexrelid) AS def,
               con.conname, con.contype
          FROM pg_index i
          JOIN pg_class c ON c.oid = i.indexrelid
          LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
         WHERE i.indrelid = v_live
         ORDER BY con.contype NULLS LAST, c.relname
    LOOP
        IF r.contype IS NOT NULL AND r.contype NOT IN ('p', 'u') THEN
            RAISE EXCEPTION 'np_finish_load: % has constraint % of a kind the swap cannot copy', p_table, r.conname;
        END IF;
        EXECUTE format('CREATE %sINDEX %I ON public.%I %s',
                       CASE WHEN r.indisunique THEN 'UNIQUE ' ELSE '' END,
                       left('np_load_' || r.index_name, 63), v_load,
                       substring(r.def FROM position(' USING ' IN r.def) + 1));
        IF r.contype IS NOT NULL THEN
            EXECUTE format('ALTER TABLE public.%I ADD CONSTRAINT %I %s USING INDEX %I', v_load,
                           left('np_load_' || r.index_name, 63),
                           CASE r.contype WHEN 'p' THEN 'PRIMARY KEY' ELSE 'UNIQUE' END,
                           left('np_load_' || r.index_name, 63));
            -- Renaming the constraint renames its index too.
            v_renames := v_renames || format('ALTER TABLE public.%I RENAME CONSTRAINT %I TO %I', p_table,
                                             left('np_load_' || r.index_name, 63), r.conname);
        ELSE
            v_renames := v_renames || format('ALTER INDEX public.%I RENAME TO %I',
                                             left('np_load_' || r.index_name, 63), r.index_name);
        END IF;
    END LOOP;

    -- Owner, grants and comment as on the live table.
    SELECT pg_get_userbyid(c.relowner), obj_description(c.oid, 'pg_class')
      INTO v_owner, v_comment
      FROM pg_class c WHERE c.oid = v_live;
    EXECUTE format('ALTER TABLE public.%I OWNER TO %I', v_load, v_owner);
    FOR r IN
        SELECT a.privilege_type, a.grantee, a.is_grantable
          FROM pg_class c, aclexplode(c.relacl) a
         WHERE c.oid = v_live AND a.grantee <> c.relowner
    LOOP
        EXECUTE format('GRANT %s ON public.%I TO %s%s', r.privilege_type, v_load,
                       CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.grantee)) END,
                       CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
    EXECUTE format('COMMENT ON TABLE public.%I IS %L', v_load, v_comment);

    -- Planner statistics before the first reader: without them the getters would plan on defaults.
    EXECUTE format('ANALYZE public.%I', v_load);

    -- Sequences owned by the live table's identity columns, renamed after the drop.
    FOR r IN
        SELECT a.attname,
               pg_get_serial_sequence(format('public.%I', p_table), a.attname) AS live_seq,
               pg_get_serial_sequence(format('public.%I', v_load), a.attname) AS load_seq
          FROM pg_attribute a
         WHERE a.attrelid = v_live AND a.attidentity <> '' AND NOT a.attisdropped
    LOOP
        v_sequences := v_sequences || format('ALTER SEQUENCE %s RENAME TO %I', r.load_seq,
                                             (parse_ident(r.live_seq))[array_length(parse_ident(r.live_seq), 1)]);
    END LOOP;

    -- The swap. A short lock_timeout per attempt: while this waits behind a long reader, new readers
    -- queue behind it, so it gives way quickly and tries again.
    PERFORM set_config('lock_timeout', (extract(epoch FROM p_lock_timeout) * 1000)::bigint::text, true);
    FOR attempt IN 1..p_lock_attempts LOOP
        BEGIN
            EXECUTE format('LOCK TABLE public.%I IN ACCESS EXCLUSIVE MODE', p_table);
            v_locked := true;
        EXCEPTION WHEN lock_not_available THEN
            PERFORM pg_sleep(0.02 * least(attempt, 10));
        END;
        EXIT WHEN v_locked;
    END LOOP;
    PERFORM set_config('lock_timeout', v_timeout, true);
    IF NOT v_locked THEN
        RAISE EXCEPTION 'np_finish_load: % stayed in use by other sessions; the previous data is kept', p_table
            USING ERRCODE = 'lock_not_available';
    END IF;
    -- No CASCADE: anything else depending on the table (a view, a foreign key) makes the load fail
    -- here, rolled back, rather than being dropped with it.
    EXECUTE format('DROP TABLE public.%I', p_table);
    EXECUTE format('ALTER TABLE public.%I RENAME TO %I', v_load, p_table);
    FOR i IN 1..coalesce(array_length(v_renames, 1), 0) LOOP
        EXECUTE v_renames[i];
    END LOOP;
    FOR i IN 1..coalesce(array_length(v_sequences, 1), 0) LOOP
        EXECUTE v_sequences[i];
    END LOOP;
END
$fn$;
