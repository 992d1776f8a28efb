-- 001_data_tables.sql — the six statistical tables (docs: shared spec data-model.md §1, §4).
--
-- Column ORDER is part of the contract: the BFF reads rows positionally and the
-- country getters return SETOF <table>, whose column order is the table's.
-- Do not reorder, insert or drop columns; append-only changes need a new migration
-- and a check of every reader.
--
-- These tables are never dropped (spec D-35 / §8.2): the ingestion service reloads a
-- table with TRUNCATE + INSERT (or COPY) inside one transaction, so the getter
-- functions declared RETURNS SETOF <table> (005_api_functions.sql) stay valid.
--
-- Our decisions versus the Go original (data-model.md §4):
--   * id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY
--   * value double precision NULL — an empty OBS_VALUE is stored as NULL, not 0 (D-37)
--   * last_updated timestamptz NOT NULL DEFAULT now()
--   * year: integer for poptable/htable, text for the other four (egdptable periods
--     look like '2024-Q1').
--
-- IF NOT EXISTS everywhere: on a database created by the Go original the tables
-- already exist (same names); they are then kept as they are.

-- 1.1 poptable — population (feed "Population")
CREATE TABLE IF NOT EXISTS poptable (
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
);

-- 1.2 htable — health status (feed "Health")
CREATE TABLE IF NOT EXISTS htable (
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
);

-- 1.3 the four 8-column tables (year is TEXT)
-- egdptable: feed EconomyGDP (indicator_code = TRANSACTION, indicator = Transaction label)
CREATE TABLE IF NOT EXISTS egdptable (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country_code   varchar NOT NULL,
    country_name   varchar NOT NULL DEFAULT '',
    indicator_code varchar NOT NULL DEFAULT '',
    indicator      varchar NOT NULL DEFAULT '',
    year           text NOT NULL,
    value          double precision NULL,
    last_updated   timestamptz NOT NULL DEFAULT now()
);

-- egovtable: feed EconomyGov (government finance, % of GDP)
CREATE TABLE IF NOT EXISTS egovtable (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country_code   varchar NOT NULL,
    country_name   varchar NOT NULL DEFAULT '',
    indicator_code varchar NOT NULL DEFAULT '',
    indicator      varchar NOT NULL DEFAULT '',
    year           text NOT NULL,
    value          double precision NULL,
    last_updated   timestamptz NOT NULL DEFAULT now()
);

-- ggdptable: feed GrowthGDP (Economic Outlook growth rates)
CREATE TABLE IF NOT EXISTS ggdptable (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country_code   varchar NOT NULL,
    country_name   varchar NOT NULL DEFAULT '',
    indicator_code varchar NOT NULL DEFAULT '',
    indicator      varchar NOT NULL DEFAULT '',
    year           text NOT NULL,
    value          double precision NULL,
    last_updated   timestamptz NOT NULL DEFAULT now()
);

-- gpopulationtable: feed GrowthPopulation (EO population / labour)
CREATE TABLE IF NOT EXISTS gpopulationtable (
    id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    country_code   varchar NOT NULL,
    country_name   varchar NOT NULL DEFAULT '',
    indicator_code varchar NOT NULL DEFAULT '',
    indicator      varchar NOT NULL DEFAULT '',
    year           text NOT NULL,
    value          double precision NULL,
    last_updated   timestamptz NOT NULL DEFAULT now()
);

-- Indexes.
-- Country getters: WHERE country_code = $1 ORDER BY indicator_code, year
--   → (country_code, indicator_code, year) serves both the filter and the order.
CREATE INDEX IF NOT EXISTS poptable_country_idx         ON poptable         (country_code, indicator_code, year);
CREATE INDEX IF NOT EXISTS htable_country_idx           ON htable           (country_code, indicator_code, year);
CREATE INDEX IF NOT EXISTS egdptable_country_idx        ON egdptable        (country_code, indicator_code, year);
CREATE INDEX IF NOT EXISTS egovtable_country_idx        ON egovtable        (country_code, indicator_code, year);
CREATE INDEX IF NOT EXISTS ggdptable_country_idx        ON ggdptable        (country_code, indicator_code, year);
CREATE INDEX IF NOT EXISTS gpopulationtable_country_idx ON gpopulationtable (country_code, indicator_code, year);
-- Dashboards: get_perfgrowthpopulation_dashboard filters indicator_code = 'POP',
-- get_healthstatus_dashboard filters (indicator_code, sex_code).
-- get_highest_gdppercapita_countries_dashboard scans egdptable by period (small table).
CREATE INDEX IF NOT EXISTS gpopulationtable_indicator_idx ON gpopulationtable (indicator_code, year);
CREATE INDEX IF NOT EXISTS htable_indicator_sex_idx       ON htable           (indicator_code, sex_code, country_code, year);
CREATE INDEX IF NOT EXISTS egdptable_year_idx             ON egdptable        (year);
