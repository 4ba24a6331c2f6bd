"""The knowledge base's tables as they stand, in place of migrations 0001 to 0012: a new
database builds in one step, and a database that had applied the old ones counts this one as
applied (`replaces`). Data fixes that only rewrote existing rows (stage keys, revisions'
audience) are left out: a new database has no rows to fix.

Search infrastructure that Django's model layer cannot describe, per database, in its final
form (the old migrations redefined some of it):

PostgreSQL: the unaccent extension, a `kb_french` text search configuration (unaccent,
then the French Snowball stemmer; accent- and case-insensitive); GIN indexes on the full
text's vector and on the headings' (suggestions read titles and summaries from their own
narrow table). Creating an extension needs a superuser (or the extension already
installed by one).
The full text's vector is stored inside the table's rows (STORAGE MAIN), not in TOAST: a
1-word query matches thousands of articles and ranking reads every match's vector; an
article's vector (~1.6 kB) hardly compresses, and out of the row each read was a TOAST
index lookup (9 ms for the 4,000 matches of "facture" over 10,000 articles). MAIN moves
the body out first and keeps the vector inline unless a row cannot fit in a page.
kb_search_matches and kb_heading_matches(query, audiences, kinds): the matching documents
(or headings) and their rank, and for documents their kind and language, so that the
search page lists the reader's language first and articles before glossary entries
without reading the rows twice (kb/search.py, PostgresEngine). They run with
enable_seqscan off: for common words the planner prices a sequential scan a little below
the GIN index, and in the flow of a request that made search 19.5 vs 15.6 ms and
suggestions 18.9 vs 15.9 ms. A setting attached to a function lasts for that function's
query only: no SET statements, nothing left over in the caller's transaction.

SQLite: an FTS5 table whose rowid is kb_searchdocument.id; kb/search.py fills it with
folded, stemmed text (remove_diacritics 2 catches whatever accents remain). The `scope`
column holds the audience and kind as tokens, so filtering by audience stays inside the
full-text index (reading a stored column would load every matching row's whole text).
"""

import django.contrib.postgres.search
import django.db.models.deletion
import django.utils.timezone
import django_fsm
from django.conf import settings
from django.db import migrations, models


MATCHES = """
CREATE FUNCTION {name}(query tsquery, audiences text[], kinds text[])
RETURNS TABLE ({returns})
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT {columns} FROM {table} d
    WHERE d.{vector} @@ query AND d.audience = ANY (audiences)
      AND (kinds IS NULL OR d.kind = ANY (kinds))
$$
"""
SEARCH = {
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        """DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'kb_french') THEN
                CREATE TEXT SEARCH CONFIGURATION kb_french (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION kb_french
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
            END IF;
        END $$""",
        "CREATE INDEX kb_search_vector_gin ON kb_searchdocument USING GIN (search_vector)",
        "CREATE INDEX kb_heading_vector_gin ON kb_searchheading USING GIN (heading_vector)",
        "ALTER TABLE kb_searchdocument ALTER COLUMN search_vector SET STORAGE MAIN",
        MATCHES.format(
            name="kb_search_matches", returns="id bigint, rank real, kind text, language text",
            columns="d.id, ts_rank(d.search_vector, query), d.kind::text, d.language::text",
            table="kb_searchdocument", vector="search_vector",
        ),
        MATCHES.format(
            name="kb_heading_matches", returns="id bigint, rank real",
            columns="d.document_id, ts_rank(d.heading_vector, query)",
            table="kb_searchheading", vector="heading_vector",
        ),
    ],
    "sqlite": [
        "CREATE VIRTUAL TABLE kb_search_fts USING fts5("
        "title, summary, body, scope, tokenize = 'unicode61 remove_diacritics 2')",
    ],
}
# Backward, the tables go with their indexes and storage; what stands apart goes here.
NO_SEARCH = {
    "postgresql": [
        "DROP FUNCTION IF EXISTS kb_search_matches(tsquery, text[], text[])",
        "DROP FUNCTION IF EXISTS kb_heading_matches(tsquery, text[], text[])",
        "DROP TEXT SEARCH CONFIGURATION IF EXISTS kb_french",
    ],
    "sqlite": ["DROP TABLE IF EXISTS kb_search_fts"],
}


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('kb', '0001_initial'),
        ('kb', '0002_search'),
        ('kb', '0003_translation_partial_index'),
        ('kb', '0004_heading_vector'),
        ('kb', '0005_search_heading'),
        ('kb', '0006_vectors_inline'),
        ('kb', '0007_search_functions'),
        ('kb', '0008_article_stage_keys'),
        ('kb', '0009_search_matches_tiers'),
        ('kb', '0010_search_language_index'),
        ('kb', '0011_article_author_shown_as'),
        ('kb', '0012_revision_audience'),
    ]

    dependencies = [
        ('helpdesk', '0001_squashed_0013_honest_promise'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Guide',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('slug', models.SlugField(max_length=220, unique=True, verbose_name='address')),
                ('intro', models.TextField(blank=True, verbose_name='introduction')),
                ('audience', models.CharField(choices=[('public', 'Everyone, even without an account'), ('members', 'Members of the cooperative'), ('staff', 'Cooperative staff only')], default='members', max_length=10, verbose_name='who can use it')),
                ('is_published', models.BooleanField(default=False, verbose_name='published')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
            ],
            options={
                'verbose_name': 'guided path',
                'verbose_name_plural': 'guided paths',
                'ordering': ['position', 'title'],
            },
        ),
        migrations.CreateModel(
            name='Kit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('slug', models.SlugField(unique=True, verbose_name='address')),
                ('intro', models.TextField(blank=True, verbose_name='introduction')),
                ('for_new_members', models.BooleanField(default=False, help_text='Shown to members during their first months.', verbose_name='the new-member kit')),
            ],
            options={
                'verbose_name': 'kit',
                'verbose_name_plural': 'kits',
                'ordering': ['-for_new_members', 'title'],
            },
        ),
        migrations.CreateModel(
            name='SearchDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('article', 'Article'), ('guide', 'Guided path'), ('term', 'Glossary')], max_length=10)),
                ('object_id', models.PositiveBigIntegerField()),
                ('audience', models.CharField(choices=[('public', 'Everyone, even without an account'), ('members', 'Members of the cooperative'), ('staff', 'Cooperative staff only')], max_length=10)),
                ('language', models.CharField(choices=[('fr', 'Français'), ('en', 'English')], default='fr', max_length=2)),
                ('title', models.CharField(max_length=200)),
                ('summary', models.TextField(blank=True)),
                ('body', models.TextField(blank=True)),
                ('url', models.CharField(max_length=300)),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'verbose_name': 'search entry',
                'verbose_name_plural': 'search entries',
                'indexes': [models.Index(fields=['language'], name='search_doc_language')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='search_doc_once')],
            },
        ),
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=60, unique=True, verbose_name='name')),
                ('slug', models.SlugField(unique=True, verbose_name='short name')),
            ],
            options={
                'verbose_name': 'tag',
                'verbose_name_plural': 'tags',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Term',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(max_length=100, unique=True, verbose_name='term')),
                ('slug', models.SlugField(max_length=120, unique=True, verbose_name='short name')),
                ('definition', models.TextField(help_text='Plain words, two or three sentences.', verbose_name='definition')),
                ('synonyms', models.CharField(blank=True, help_text='Other words for it, separated by commas; they are linked too.', max_length=300, verbose_name='synonyms')),
            ],
            options={
                'verbose_name': 'glossary term',
                'verbose_name_plural': 'glossary',
                'ordering': ['slug'],
            },
        ),
        migrations.CreateModel(
            name='Topic',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('slug', models.SlugField(unique=True, verbose_name='short name')),
                ('description', models.TextField(blank=True, verbose_name='description')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
            ],
            options={
                'verbose_name': 'topic',
                'verbose_name_plural': 'topics',
                'ordering': ['position', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Article',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('slug', models.SlugField(max_length=220, unique=True, verbose_name='address')),
                ('summary', models.CharField(help_text='One or two sentences shown in lists.', max_length=300, verbose_name='summary')),
                ('body', models.TextField(help_text='Markdown: **bold**, lists with -, ## titles.', verbose_name='text')),
                ('body_html', models.TextField(default='', editable=False)),
                ('body_text', models.TextField(default='', editable=False)),
                ('language', models.CharField(choices=[('fr', 'Français'), ('en', 'English')], default='fr', max_length=2, verbose_name='language')),
                ('audience', models.CharField(choices=[('public', 'Everyone, even without an account'), ('members', 'Members of the cooperative'), ('staff', 'Cooperative staff only')], default='members', max_length=10, verbose_name='who can read it')),
                ('author_shown_as', models.CharField(choices=[('first_name', 'My first name'), ('full_name', 'My first and last name'), ('member', '“A member”, without my name')], default='first_name', max_length=10, verbose_name='show the author as')),
                ('review_by', models.DateField(blank=True, null=True, verbose_name='check again by')),
                ('stale_notified_at', models.DateTimeField(blank=True, editable=False, null=True)),
                ('state', django_fsm.FSMField(choices=[('draft', 'Draft'), ('review', 'In review'), ('changes', 'Changes requested'), ('published', 'Published'), ('archived', 'Archived')], default='draft', max_length=50, protected=True, verbose_name='status')),
                ('version', models.PositiveIntegerField(default=1)),
                ('helpful_yes', models.PositiveIntegerField(default=0, editable=False)),
                ('helpful_no', models.PositiveIntegerField(default=0, editable=False)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='last change')),
                ('first_published_at', models.DateTimeField(blank=True, null=True, verbose_name='first published')),
                ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='last published')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='kb_authored', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                ('helpdesk_categories', models.ManyToManyField(blank=True, help_text='Shown to members who open a request in these categories.', related_name='articles', to='helpdesk.category', verbose_name='request categories')),
                ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='kb_owned', to=settings.AUTH_USER_MODEL, verbose_name='kept up to date by')),
                ('translation_of', models.ForeignKey(blank=True, db_index=False, help_text='The original article this one translates.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='translations', to='kb.article', verbose_name='translation of')),
            ],
            options={
                'verbose_name': 'article',
                'verbose_name_plural': 'articles',
                'ordering': ['title'],
                'indexes': [models.Index(fields=['state', 'audience'], name='article_readable'), models.Index(fields=['state', 'review_by'], name='article_review_by'), models.Index(fields=['author', 'state'], name='article_author'), models.Index(condition=models.Q(('translation_of__isnull', False)), fields=['translation_of'], name='article_translation_of')],
            },
            bases=(django_fsm.ConcurrentTransitionMixin, models.Model),
        ),
        migrations.CreateModel(
            name='ArticleEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('note', models.TextField(blank=True)),
                ('data', models.JSONField(blank=True, default=dict)),
                ('kind', models.CharField(choices=[('created', 'Draft started'), ('edited', 'Text changed'), ('submitted', 'Sent for review'), ('commented', 'Comment'), ('changes', 'Changes requested'), ('published', 'Published'), ('archived', 'Archived'), ('reviewed', 'Checked, still accurate'), ('stale', 'Check due'), ('feedback', 'Reader feedback')], max_length=20)),
                ('from_state', models.CharField(blank=True, choices=[('draft', 'Draft'), ('review', 'In review'), ('changes', 'Changes requested'), ('published', 'Published'), ('archived', 'Archived')], max_length=20)),
                ('to_state', models.CharField(blank=True, choices=[('draft', 'Draft'), ('review', 'In review'), ('changes', 'Changes requested'), ('published', 'Published'), ('archived', 'Archived')], max_length=20)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='kb.article')),
            ],
            options={
                'verbose_name': 'article event',
                'verbose_name_plural': 'article events',
                'ordering': ['created_at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='ArticleRevision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('title', models.CharField(max_length=200)),
                ('summary', models.CharField(max_length=300)),
                ('body', models.TextField()),
                ('note', models.CharField(blank=True, max_length=300, verbose_name='what changed')),
                ('audience', models.CharField(choices=[('public', 'Everyone, even without an account'), ('members', 'Members of the cooperative'), ('staff', 'Cooperative staff only')], max_length=10, verbose_name='who could read it')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='revisions', to='kb.article')),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'revision',
                'verbose_name_plural': 'revisions',
                'ordering': ['-number'],
                'constraints': [models.UniqueConstraint(fields=('article', 'number'), name='revision_number_once')],
            },
        ),
        migrations.CreateModel(
            name='ArticleStage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('stage', models.CharField(choices=[('info_meeting', 'Information meeting'), ('diagnosis', 'Diagnosis'), ('cape', 'CAPE contract'), ('salaried', 'Salaried entrepreneur (CESA)'), ('associate', 'Associate (membership)'), ('exited', 'Leaving the cooperative')], max_length=30, verbose_name='journey stage')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stages', to='kb.article')),
            ],
            options={
                'verbose_name': 'journey stage',
                'verbose_name_plural': 'journey stages',
                'indexes': [models.Index(fields=['stage'], name='article_stage')],
                'constraints': [models.UniqueConstraint(fields=('article', 'stage'), name='article_stage_once')],
            },
        ),
        migrations.CreateModel(
            name='Deflection',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('query', models.CharField(blank=True, max_length=300)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deflections', to='kb.article')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.category')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kb_deflections', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'request avoided',
                'verbose_name_plural': 'requests avoided',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Expert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mandate', models.CharField(blank=True, max_length=200, verbose_name='mandate')),
                ('until', models.DateField(blank=True, null=True, verbose_name='until')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='kb_expert', to=settings.AUTH_USER_MODEL, verbose_name='member')),
            ],
            options={
                'verbose_name': 'expert member',
                'verbose_name_plural': 'expert members',
            },
        ),
        migrations.CreateModel(
            name='Feedback',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('helpful', models.BooleanField(verbose_name='helpful')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='feedback', to='kb.article')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kb_feedback', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'feedback',
                'verbose_name_plural': 'feedback',
                'ordering': ['-updated_at'],
                'constraints': [models.UniqueConstraint(fields=('article', 'user'), name='feedback_once')],
            },
        ),
        migrations.CreateModel(
            name='GuideNode',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('question', 'Question with choices'), ('article', 'Answer: an article'), ('request', 'Answer: open a request'), ('message', 'Answer: a short text')], max_length=10, verbose_name='kind')),
                ('text', models.TextField(help_text='The question, or what to tell the member at this answer (Markdown).', verbose_name='question or answer')),
                ('text_html', models.TextField(default='', editable=False)),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='kb.article', verbose_name='article')),
                ('category', models.ForeignKey(blank=True, help_text='The request form opens with this category (and so its team) chosen.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='helpdesk.category', verbose_name='request category')),
                ('guide', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='nodes', to='kb.guide')),
            ],
            options={
                'verbose_name': 'step',
                'verbose_name_plural': 'steps',
                'ordering': ['guide', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='GuideChoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(max_length=200, verbose_name='answer')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('node', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='kb.guidenode')),
                ('target', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kb.guidenode', verbose_name='leads to')),
            ],
            options={
                'verbose_name': 'choice',
                'verbose_name_plural': 'choices',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='guide',
            name='start',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='kb.guidenode', verbose_name='first question'),
        ),
        migrations.CreateModel(
            name='GuideProgress',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('choices', models.JSONField(default=list)),
                ('updated_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('guide', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='progress', to='kb.guide')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='kb_guide_progress', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'guided path progress',
                'verbose_name_plural': 'guided path progress',
                'constraints': [models.UniqueConstraint(fields=('user', 'guide'), name='guide_progress_once')],
            },
        ),
        migrations.CreateModel(
            name='KitItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('position', models.PositiveIntegerField(default=0, verbose_name='position')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='why read it')),
                ('article', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kb.article', verbose_name='article')),
                ('guide', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='kb.guide', verbose_name='guided path')),
                ('kit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='kb.kit')),
            ],
            options={
                'verbose_name': 'kit item',
                'verbose_name_plural': 'kit items',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SearchHeading',
            fields=[
                ('document', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='kb.searchdocument')),
                ('kind', models.CharField(choices=[('article', 'Article'), ('guide', 'Guided path'), ('term', 'Glossary')], max_length=10)),
                ('audience', models.CharField(choices=[('public', 'Everyone, even without an account'), ('members', 'Members of the cooperative'), ('staff', 'Cooperative staff only')], max_length=10)),
                ('heading_vector', django.contrib.postgres.search.SearchVectorField()),
            ],
        ),
        migrations.AddField(
            model_name='article',
            name='tags',
            field=models.ManyToManyField(blank=True, related_name='articles', to='kb.tag', verbose_name='tags'),
        ),
        migrations.AddField(
            model_name='term',
            name='article',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='kb.article', verbose_name='to learn more'),
        ),
        migrations.AddField(
            model_name='topic',
            name='editor',
            field=models.ForeignKey(blank=True, limit_choices_to={'role__in': ['agent', 'lead', 'admin']}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='kb_topics', to=settings.AUTH_USER_MODEL, verbose_name='editor (reviews proposals)'),
        ),
        migrations.AddField(
            model_name='expert',
            name='topics',
            field=models.ManyToManyField(blank=True, help_text='Empty: every topic.', to='kb.topic', verbose_name='topics'),
        ),
        migrations.AddField(
            model_name='article',
            name='topic',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='articles', to='kb.topic', verbose_name='topic'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['topic', 'state'], name='article_topic'),
        ),
        migrations.RunPython(run(SEARCH), run(NO_SEARCH)),
    ]
