"""The similar-concern search's index on PostgreSQL (#17); nothing on SQLite.

``Concern.tokens`` holds the words of a concern's public text, segmented by jieba
when it is raised (" 食堂 饭菜 "). :func:`voice_union_words` turns them into a
``tsvector`` whose lexemes are exactly those words, each prefixed with the concern's
union ("3983:食堂"): ``array_to_tsvector``, no parser, no dictionary, no stemming, so
a word matches exactly as it does in Python on SQLite (a text search configuration
such as 'simple' would split "wi-fi" or "c++" again), and a lookup in the GIN index
finds the concerns of one union only, without intersecting with the 100,000 other
concerns of a large school. Words PostgreSQL cannot hold as a lexeme with the prefix
(over 2,000 bytes) are left out, as the selector leaves them out of a query. The index
covers only the concerns a suggestion may show: public, not sensitive, not about a
cadre, still open or answered (``tongxue.voice.selectors.SUGGESTIBLE_SQL`` repeats
this predicate word for word so that the planner can use the index; a test checks the
plan).
"""

from django.db import migrations

#: The statuses of ``selectors.SIMILAR_STATUSES``, in its order.
STATUSES = ("in_hand", "received", "reopened", "answered")

FUNCTION = """
CREATE OR REPLACE FUNCTION voice_union_words(union_id bigint, tokens text)
RETURNS tsvector LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT union_id::text || ':' || w FROM unnest(string_to_array(tokens, ' ')) AS w
        WHERE w <> '' AND octet_length(w) <= 2000
    ))
$$
"""

INDEX = (
    'CREATE INDEX IF NOT EXISTS "voice_concern_union_words" ON "voice_concern" '
    'USING gin (voice_union_words("union_id", "tokens")) '
    'WHERE "visibility" = \'public\' AND NOT "sensitive" '
    'AND "about_person_id" IS NULL AND "status" IN ({})'.format(
        ", ".join(f"'{s}'" for s in STATUSES)
    )
)


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute(INDEX)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "voice_concern_union_words"')
    schema_editor.execute("DROP FUNCTION IF EXISTS voice_union_words(bigint, text)")


class Migration(migrations.Migration):
    dependencies = [("voice", "0003_school_reports")]

    operations = [migrations.RunPython(create, drop)]
