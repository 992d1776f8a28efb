-- 006_ingestion_procedures.sql — the ingestion procedures of the Go original
-- (data-model.md §3.2), kept for compatibility: the Go ingestion calls
--   CALL create_<feed>_table($1)              with the table name
--   CALL insert_<feed>_data($1, ..., $k)      one row, every argument as text.
-- The C++ ingestion does NOT use them: it loads with COPY / batched INSERT and
-- TRUNCATE + insert in one transaction (data-model.md §8.2).
--
-- create_*_table(table_name): CREATE TABLE IF NOT EXISTS with the layout of
--   001_data_tables.sql under the given name (idempotent), the country index, and —
--   for the six canonical names — the matching country getter, because the Go
--   original drops the table with CASCADE (taking the getter with it, D-35) right
--   before calling this procedure.
-- insert_*_data(table_name, ...): inserts one row; year/value are parsed from text
--   (surrounding blanks ignored), an empty year or value becomes NULL (NULL year is
--   rejected by the NOT NULL constraint: a row without a period is an error);
--   last_updated = now(). Text columns: NULL → ''.

DO $drop$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT p.oid::regprocedure AS sig
          FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace
           AND p.proname IN ('create_population_table', 'create_health_table',
                             'create_economy_gdp_table', 'create_economy_gov_table',
                             'create_growth_gdp_table', 'create_growth_population_table',
                             'insert_population_data', 'insert_health_data',
                             'insert_economy_gdp_data', 'insert_economy_gov_data',
                             'insert_growth_gdp_data', 'insert_growth_population_data',
                             'np_create_indicator_table', 'np_insert_indicator_data')
    LOOP
        EXECUTE format('DROP ROUTINE %s', r.sig);
    END LOOP;
END
$drop$;

-- ---------------------------------------------------------------------------------
-- create_*_table
-- ---------------------------------------------------------------------------------

CREATE PROCEDURE create_population_table(p_table_name text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    EXECUTE format($ddl$
        CREATE TABLE IF NOT EXISTS %I (
            id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            country_code   varchar NOT NULL,
            country_name   varchar NOT NULL DEFAULT '',
            indicator_code varchar NOT NULL DEFAULT '',
            indicator      varchar NOT NULL DEFAULT '',
            sex_code       varchar NOT NULL DEFAULT '',
            sex_name       varchar NOT NULL DEFAULT '',
            age            varchar NOT NULL DEFAULT '',
            year           integer NOT NULL,
            value          double precision NULL,
            last_updated   timestamptz NOT NULL DEFAULT now()
        )$ddl$, p_table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (country_code, indicator_code, year)',
                   p_table_name || '_country_idx', p_table_name);
    CALL np_create_country_getter(p_table_name);
END
$proc$;

CREATE PROCEDURE create_health_table(p_table_name text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    EXECUTE format($ddl$
        CREATE TABLE IF NOT EXISTS %I (
            id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            country_code   varchar NOT NULL,
            country_name   varchar NOT NULL DEFAULT '',
            indicator_code varchar NOT NULL DEFAULT '',
            indicator      varchar NOT NULL DEFAULT '',
            sex_code       varchar NOT NULL DEFAULT '',
            sex_name       varchar NOT NULL DEFAULT '',
            cause          varchar NOT NULL DEFAULT '',
            unit_range     varchar NOT NULL DEFAULT '',
            year           integer NOT NULL,
            value          double precision NULL,
            last_updated   timestamptz NOT NULL DEFAULT now()
        )$ddl$, p_table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (country_code, indicator_code, year)',
                   p_table_name || '_country_idx', p_table_name);
    IF p_table_name = 'htable' THEN
        CREATE INDEX IF NOT EXISTS htable_indicator_sex_idx
            ON htable (indicator_code, sex_code, country_code, year);
    END IF;
    CALL np_create_country_getter(p_table_name);
END
$proc$;

-- Shared body of the four 8-column tables (year text).
CREATE PROCEDURE np_create_indicator_table(p_table_name text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    EXECUTE format($ddl$
        CREATE TABLE IF NOT EXISTS %I (
            id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            country_code   varchar NOT NULL,
            country_name   varchar NOT NULL DEFAULT '',
            indicator_code varchar NOT NULL DEFAULT '',
            indicator      varchar NOT NULL DEFAULT '',
            year           text NOT NULL,
            value          double precision NULL,
            last_updated   timestamptz NOT NULL DEFAULT now()
        )$ddl$, p_table_name);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I (country_code, indicator_code, year)',
                   p_table_name || '_country_idx', p_table_name);
    IF p_table_name = 'gpopulationtable' THEN
        CREATE INDEX IF NOT EXISTS gpopulationtable_indicator_idx
            ON gpopulationtable (indicator_code, year);
    ELSIF p_table_name = 'egdptable' THEN
        CREATE INDEX IF NOT EXISTS egdptable_year_idx ON egdptable (year);
    END IF;
    CALL np_create_country_getter(p_table_name);
END
$proc$;

CREATE PROCEDURE create_economy_gdp_table(p_table_name text)
LANGUAGE sql
AS $proc$ CALL np_create_indicator_table(p_table_name) $proc$;

CREATE PROCEDURE create_economy_gov_table(p_table_name text)
LANGUAGE sql
AS $proc$ CALL np_create_indicator_table(p_table_name) $proc$;

CREATE PROCEDURE create_growth_gdp_table(p_table_name text)
LANGUAGE sql
AS $proc$ CALL np_create_indicator_table(p_table_name) $proc$;

CREATE PROCEDURE create_growth_population_table(p_table_name text)
LANGUAGE sql
AS $proc$ CALL np_create_indicator_table(p_table_name) $proc$;

-- ---------------------------------------------------------------------------------
-- insert_*_data (all arguments text, as sent by the Go client)
-- ---------------------------------------------------------------------------------

CREATE PROCEDURE insert_population_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_sex_code text, p_sex_name text,
    p_age text, p_year text, p_value text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    EXECUTE format('INSERT INTO %I (country_code, country_name, indicator_code, indicator,'
                   ' sex_code, sex_name, age, year, value, last_updated)'
                   ' VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())', p_table_name)
      USING p_country_code, coalesce(p_country_name, ''),
            coalesce(p_indicator_code, ''), coalesce(p_indicator, ''),
            coalesce(p_sex_code, ''), coalesce(p_sex_name, ''), coalesce(p_age, ''),
            nullif(btrim(p_year), '')::integer,
            nullif(btrim(p_value), '')::double precision;
END
$proc$;

CREATE PROCEDURE insert_health_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_sex_code text, p_sex_name text,
    p_cause text, p_unit_range text, p_year text, p_value text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    EXECUTE format('INSERT INTO %I (country_code, country_name, indicator_code, indicator,'
                   ' sex_code, sex_name, cause, unit_range, year, value, last_updated)'
                   ' VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())', p_table_name)
      USING p_country_code, coalesce(p_country_name, ''),
            coalesce(p_indicator_code, ''), coalesce(p_indicator, ''),
            coalesce(p_sex_code, ''), coalesce(p_sex_name, ''),
            coalesce(p_cause, ''), coalesce(p_unit_range, ''),
            nullif(btrim(p_year), '')::integer,
            nullif(btrim(p_value), '')::double precision;
END
$proc$;

-- Shared body of the four 8-column inserts (year kept as text).
CREATE PROCEDURE np_insert_indicator_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_year text, p_value text)
LANGUAGE plpgsql
AS $proc$
BEGIN
    EXECUTE format('INSERT INTO %I (country_code, country_name, indicator_code, indicator,'
                   ' year, value, last_updated)'
                   ' VALUES ($1, $2, $3, $4, $5, $6, now())', p_table_name)
      USING p_country_code, coalesce(p_country_name, ''),
            coalesce(p_indicator_code, ''), coalesce(p_indicator, ''),
            nullif(btrim(p_year), ''),
            nullif(btrim(p_value), '')::double precision;
END
$proc$;

CREATE PROCEDURE insert_economy_gdp_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_year text, p_value text)
LANGUAGE sql
AS $proc$
    CALL np_insert_indicator_data(p_table_name, p_country_code, p_country_name,
                                  p_indicator_code, p_indicator, p_year, p_value)
$proc$;

CREATE PROCEDURE insert_economy_gov_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_year text, p_value text)
LANGUAGE sql
AS $proc$
    CALL np_insert_indicator_data(p_table_name, p_country_code, p_country_name,
                                  p_indicator_code, p_indicator, p_year, p_value)
$proc$;

CREATE PROCEDURE insert_growth_gdp_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_year text, p_value text)
LANGUAGE sql
AS $proc$
    CALL np_insert_indicator_data(p_table_name, p_country_code, p_country_name,
                                  p_indicator_code, p_indicator, p_year, p_value)
$proc$;

CREATE PROCEDURE insert_growth_population_data(
    p_table_name text, p_country_code text, p_country_name text,
    p_indicator_code text, p_indicator text, p_year text, p_value text)
LANGUAGE sql
AS $proc$
    CALL np_insert_indicator_data(p_table_name, p_country_code, p_country_name,
                                  p_indicator_code, p_indicator, p_year, p_value)
$proc$;
