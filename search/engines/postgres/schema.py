"""The PostgreSQL engine's storage: one row per article, the analysis stored as one tsvector.

`tsv` holds the same terms as the Whoosh index (`search.analysis.analyse`: every syllable and
every pair of syllables standing side by side, no pair across punctuation), computed in Python at
index time: exact lexemes as they are ("dân", "dân vận"), folded ones behind FOLDED ("~dan",
"~dan van"). Title terms carry weight A. `rank_tsv` holds the folded syllables with their
frequencies: what `ts_rank` reads (small, where `tsv` is about 20 kB an article). PostgreSQL's own parser and dictionaries never see the
text: what is searched is exactly what the Whoosh engine searches. A GIN index answers the plan's
tsquery; facets and trends are SQL aggregates over the same rows.

`search_state.version` grows with every committed write, and `epoch` is new with every database
(a restored or recreated one never repeats an older key): together, the key of every cache in
front of the engine, on every machine that shares the database.
"""

TSV_INDEX = "CREATE INDEX IF NOT EXISTS search_document_tsv ON search_document USING gin (tsv)"
CREATE = [
    """
    CREATE TABLE IF NOT EXISTS search_document (
        article_id integer PRIMARY KEY,
        tsv tsvector NOT NULL,
        rank_tsv tsvector NOT NULL DEFAULT '',
        published date NULL,
        province text NULL,
        province_2025 text NULL,
        year text NULL,
        outlet text NULL,
        dan_van text NULL,
        kind text[] NOT NULL DEFAULT '{}',
        official text[] NOT NULL DEFAULT '{}',
        digest text NOT NULL DEFAULT ''
    )
    """,
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
]
DROP = ["DROP TABLE IF EXISTS search_document", "DROP TABLE IF EXISTS search_state"]
