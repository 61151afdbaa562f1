"""The PostgreSQL engine's storage: one row per article, the analysis stored as one tsvector.

`tsv` holds the same terms as the Whoosh index (`search.analysis.analyse`: every syllable and
every pair of syllables standing side by side, no pair across punctuation), computed in Python at
index time: exact lexemes as they are ("dân", "dân vận"), folded ones behind FOLDED ("~dan",
"~dan van"). Title terms carry weight A.
`title_rank` is the rank vector's title part (a few lexemes, kept in the row): what picks the
candidates a search reads the rank vectors of. Both vectors are compressed with lz4 (faster than the default pglz to write and to read back).
The table is hash-partitioned in PARTITIONS by article: PostgreSQL 15 builds a GIN index in one
process, and a rebuild builds one partition's index per core at once (issue #18: the build's
largest cost at 100,000 articles). `rank_tsv` holds the folded syllables with their
frequencies: what `ts_rank` reads (small, where `tsv` is about 20 kB an article). PostgreSQL's own parser and dictionaries never see the
text: what is searched is exactly what the Whoosh engine searches. A GIN index answers the plan's
tsquery; facets and trends are SQL aggregates over the same rows.

`search_lexicon` holds, for every syllable lexeme (exact and folded) and every pair of syllables
held by at least PAIR_MIN documents at the last rebuild, the documents holding it and those
holding it in the title (in shards whose sums are the counts: a rebuild writes shard 0). A count through
the GIN index reads every matching row's heap page (`dien`'s accented readings: 30-60 ms cold at
100,000 articles); the lexicon answers in one index look-up. A rebuild writes it from the stored
vectors (beside the GIN builds); every other write adds and takes away its documents' syllables
(and the counts of the pairs the lexicon holds) under the write lock. A pair it does not hold is
rare, and counted through the GIN index. `search_state.lexicon` is true once it is whole: until
then the counts come from the GIN index as before.

`search_state.version` grows with every committed write, and `epoch` is new with every database
(a restored or recreated one never repeats an older key): together, the key of every cache in
front of the engine, on every machine that shares the database.
"""

LOCK_KEY = 0x64616E76  # pg_advisory_xact_lock key of the index's one write lock ("danv")
PARTITIONS = 2  # hash partitions of search_document: a rebuild builds their GIN indexes at once
TSV_INDEX = "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv)"
# One partition's GIN index; TSV_INDEX on the parent then attaches it (it matches) instead of building.
PARTITION_TSV_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_document_p{i}_tsv ON search_document_p{i} USING gin (tsv)"
)
# Every search statement runs in here (`PostgresEngine._read`): one round trip, planned to read
# through the GIN index (a seq scan detoasts every row's vector) without a transaction around it,
# with the memory to keep a common word's matches (half the archive) and their sorts off the disk.
# Without JIT: a statement whose estimated cost passes jit_above_cost (a count that may fall back on
# the GIN index, a long line's features) spent 9 ms compiling to run in 0.3 ms.
TITLE_RANK = (
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS "
    "title_rank tsvector GENERATED ALWAYS AS (ts_filter(rank_tsv, '{a}')) STORED"
)
LEXICON = [
    """
    CREATE TABLE IF NOT EXISTS search_lexicon (
        lexeme text NOT NULL,
        shard integer NOT NULL,
        docs integer NOT NULL,
        titles integer NOT NULL,
        PRIMARY KEY (lexeme, shard)
    )
    """,
    "ALTER TABLE search_state ADD COLUMN IF NOT EXISTS lexicon boolean NOT NULL DEFAULT false",
    # An empty index has a whole (empty) lexicon; a table with documents waits for LEXICON_REBUILD.
    "UPDATE search_state SET lexicon = true WHERE NOT lexicon AND NOT EXISTS (SELECT 1 FROM search_document)",
]
# A pair of syllables is kept in the lexicon when at least PAIR_MIN documents hold it at a rebuild:
# a rarer pair is counted through the GIN index, which reads few rows for it. 108,870 pairs at
# 100,004 articles (of millions), beside 217,558 syllables.
PAIR_MIN = 100


def lexicon_rebuild(pair_min: int = PAIR_MIN) -> list[str]:
    """The whole lexicon counted again from the stored vectors, in one statement (PostgreSQL may
    aggregate it with parallel workers); run under the write lock (PostgresEngine.rebuild_lexicon):
    51 s at 100,004 articles."""
    return [
        "DELETE FROM search_lexicon",
        f"""INSERT INTO search_lexicon (lexeme, shard, docs, titles)
        SELECT u.lexeme, 0, count(*), count(*) FILTER (WHERE 'A' = ANY(u.weights))
        FROM search_document d, unnest(d.tsv) u GROUP BY 1
        HAVING position(' ' IN u.lexeme) = 0 OR count(*) >= {int(pair_min)}""",
        "UPDATE search_state SET lexicon = true",
    ]


LEXICON_REBUILD = lexicon_rebuild()
# The facet values a search counts, as integers: `search_facet_code` numbers every (facet, value) a
# document holds, and `search_document.fcodes` holds the codes of the row's values (province,
# year, outlet, dan_van, its event kinds and officials: `CODED`). A search carries one small array
# a row instead of four texts and two text arrays, and counts every facet in one pass (unnest,
# one hash table of integers), then names the counted codes: `dien` (56,904 matches at 100,004
# articles) 139 → 112 ms. The low FACET_BITS of a code are its facet's place in CODED, so that a
# selected facet's values can be counted without its own filter, code by code. Codes are numbered
# as writes meet new values, under the write lock, and never reused or renumbered.
# The facets' places in a code. Not search.query.FACET_NAMES itself, although the same: stored codes
# carry these places, so this order can only grow at its end, whatever order the forms list.
CODED = ("province", "year", "kind", "official", "outlet", "dan_van")
CODED_LISTS = ("kind", "official")  # the facets a document holds several values of
FACET_BITS = 3
FACET_CODES = [
    "CREATE SEQUENCE IF NOT EXISTS search_facet_code_seq",
    """
    CREATE TABLE IF NOT EXISTS search_facet_code (
        code integer PRIMARY KEY,
        facet text NOT NULL,
        value text NOT NULL,
        UNIQUE (facet, value)
    )
    """,
    "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS fcodes integer[] NOT NULL DEFAULT '{}'",
]
# The codes of every (facet, value) among these (the i-th's facet place, facet, value), numbering
# the new ones: one statement, under the write lock.
CODES_NUMBER = f"""
WITH u AS (SELECT DISTINCT i, f, v FROM unnest(%s::int[], %s::text[], %s::text[]) AS u(i, f, v)),
new AS (
    INSERT INTO search_facet_code (code, facet, value)
    SELECT nextval('search_facet_code_seq')::int * {2**FACET_BITS} + u.i, u.f, u.v FROM u
    WHERE NOT EXISTS (SELECT 1 FROM search_facet_code c WHERE c.facet = u.f AND c.value = u.v)
    ON CONFLICT DO NOTHING RETURNING code, facet, value
)
SELECT code, facet, value FROM new
UNION ALL SELECT c.code, c.facet, c.value FROM search_facet_code c JOIN u ON c.facet = u.f AND c.value = u.v
"""
# The codes of the rows already stored (the migration that adds them): numbered, then written
# into each row. The GIN index is dropped for the update and built again (an update writes a new
# row version, and the GIN index would take every lexeme of it again, row by row).
_CODED_VALUES = " UNION ALL ".join(
    f"SELECT {i}, '{name}', unnest(d.{name})" if name in CODED_LISTS else f"SELECT {i}, '{name}', d.{name}"
    for i, name in enumerate(CODED)
)
FACET_CODES_FILL = [
    f"""INSERT INTO search_facet_code (code, facet, value)
    SELECT nextval('search_facet_code_seq')::int * {2**FACET_BITS} + i, f, v
    FROM (SELECT DISTINCT x.i, x.f, x.v FROM search_document d, LATERAL ({_CODED_VALUES}) AS x(i, f, v)
          WHERE x.v IS NOT NULL) u
    ON CONFLICT DO NOTHING""",
    "DROP INDEX IF EXISTS search_document_tsv",
    f"""UPDATE search_document d SET fcodes = x.codes FROM (
        SELECT d.article_id, array_agg(c.code ORDER BY c.code) AS codes
        FROM search_document d, LATERAL ({_CODED_VALUES}) AS x(i, f, v)
        JOIN search_facet_code c ON c.facet = x.f AND c.value = x.v GROUP BY 1
    ) x WHERE x.article_id = d.article_id""",
]
READ_FUNCTION = """
CREATE OR REPLACE FUNCTION search_read(statement text)
RETURNS TABLE (k text, v text, x float8, n bigint)
LANGUAGE plpgsql STABLE SET enable_seqscan = off SET work_mem = '64MB' SET jit = off AS $$
BEGIN
    RETURN QUERY EXECUTE statement;
END
$$
"""
CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_document (
        article_id integer NOT NULL,
        tsv tsvector COMPRESSION lz4 NOT NULL,
        rank_tsv tsvector COMPRESSION lz4 NOT NULL DEFAULT '',
        published date NULL,
        province text NULL,
        province_2025 text NULL,
        year text NULL,
        outlet text NULL,
        dan_van text NULL,
        kind text[] NOT NULL DEFAULT '{}',
        official text[] NOT NULL DEFAULT '{}',
        digest text NOT NULL DEFAULT '',
        fcodes integer[] NOT NULL DEFAULT '{}',
        title_rank tsvector GENERATED ALWAYS AS (ts_filter(rank_tsv, '{a}')) STORED,
        PRIMARY KEY (article_id)
    ) PARTITION BY HASH (article_id)
    """,
    *(
        f"""CREATE TABLE IF NOT EXISTS search_document_p{i} PARTITION OF search_document
        FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {i})"""
        for i in range(PARTITIONS)
    ),
    TSV_INDEX,
    "CREATE INDEX IF NOT EXISTS search_document_published ON search_document (published)",
    """
    CREATE TABLE IF NOT EXISTS search_state (
        id integer PRIMARY KEY CHECK (id = 1),
        epoch text NOT NULL,
        version bigint NOT NULL
    )
    """,
    """INSERT INTO search_state (id, epoch, version) VALUES (1, gen_random_uuid()::text, 0)
    ON CONFLICT (id) DO NOTHING""",
    READ_FUNCTION,
    *LEXICON,
    *FACET_CODES,
]
DROP = [
    "DROP TABLE IF EXISTS search_facet_code",
    "DROP SEQUENCE IF EXISTS search_facet_code_seq",
    "DROP TABLE IF EXISTS search_lexicon",
    "DROP FUNCTION IF EXISTS search_read(text)",
    "DROP TABLE IF EXISTS search_document CASCADE",
    "DROP TABLE IF EXISTS search_state",
]
