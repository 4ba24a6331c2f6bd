"""Revisions older than the audience field take their article's current audience."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("kb", "0011_article_author_shown_as")]
AFTER = [("kb", "0012_revision_audience")]


@pytest.mark.django_db(transaction=True)
def test_existing_revisions_take_the_articles_current_audience(agent):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Article, Revision = old.get_model("kb", "Article"), old.get_model("kb", "ArticleRevision")
    for slug, audience in [("interne", "staff"), ("membres", "members"), ("tous", "public")]:
        article = Article.objects.create(title=slug, slug=slug, summary="s", body="b",
                                         audience=audience, author_id=agent.pk)
        for number in (1, 2):
            Revision.objects.create(article=article, number=number, title=slug, summary="s",
                                    body="b", created_by_id=agent.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("kb", "ArticleRevision").objects.values_list(
        "article__slug", "audience"
    )
    assert sorted(set(rows)) == [("interne", "staff"), ("membres", "members"), ("tous", "public")]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # later migrations, for later tests
