"""Articles are rendered once, on save, to sanitised HTML with glossary terms linked."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb import actions
from kb.models import Article, Audience, Term
from kb.rendering import Glossary, GlossaryEntry, diff_blocks, render_article

HOSTILE = """\
# Title

<script>alert("owned")</script>
<img src="x" onerror="alert('img')">
<a href="javascript:alert('link')">click</a>
[markdown link](javascript:alert('md'))
<iframe src="https://evil.example"></iframe>
<svg onload="alert('svg')"></svg>
<p style="background:url(javascript:alert(1))" onclick="alert('p')">text</p>
<form action="https://evil.example"><input name="password"></form>
<style>body { display: none }</style>
[a fine link](https://example.org)
"""
# Each line once more as a block of its own: CommonMark lets an HTML block run on to the next
# blank line, so the markdown link above is only text; here it is parsed as a link.
HOSTILE = HOSTILE + "\n\n" + "\n\n".join(HOSTILE.splitlines())


def assert_harmless(html: str) -> None:
    # Inside the first HTML block, the markdown link is shown as text: harmless.
    lowered = html.lower().replace("[markdown link](javascript:", "")
    for needle in ["<script", "onerror", "onclick", "onload", "javascript:", "<iframe",
                   "<svg", "<style", "<form", "<input", "style="]:
        assert needle not in lowered, needle


def test_hostile_article_is_stored_without_anything_that_runs(make_article):
    article = make_article("Hostile", body=HOSTILE)
    article.refresh_from_db()
    assert_harmless(article.body_html)
    assert 'href="https://example.org"' in article.body_html
    assert 'rel="nofollow noopener ugc"' in article.body_html


def test_hostile_article_page_cannot_run_script(client, member, make_article):
    article = make_article("Hostile", body=HOSTILE, summary='<script>alert("s")</script>')
    client.force_login(member)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;" in page  # the summary, escaped
    main = page.split('class="prose kb-body">', 1)[1].split("</div>", 1)[0]
    assert_harmless(main)


def test_hostile_glossary_definition_is_escaped_in_the_tooltip(make_article):
    actions.save_term(Term(term="CAPE", definition='<img src=x onerror="alert(1)"> piège'))
    article = make_article("Le CAPE", body="Signer le CAPE.")
    article.refresh_from_db()
    assert "&lt;img src=x onerror=" in article.body_html
    assert "<img" not in article.body_html


def test_glossary_term_is_linked_with_a_tooltip_shown_on_hover_and_focus(term, make_article):
    article = make_article("Démarrer", body="Le cape dure 6 mois. Après le CAPE, le CESA.")
    html = article.body_html
    assert html.count('class="term-link"') == 1  # the first mention only
    assert 'href="/aide/lexique/cape/"' in html
    assert 'aria-describedby="term-tip-cape"' in html
    assert 'role="tooltip" id="term-tip-cape"' in html
    assert ">cape</a>" in html  # the reader's own word is kept


def test_synonyms_are_linked_to_the_same_definition(term, make_article):
    article = make_article("Contrat", body="Le contrat d'appui au projet d'entreprise aide.")
    assert 'aria-describedby="term-tip-cape"' in article.body_html


def test_terms_are_not_linked_inside_code_links_headings_or_other_words(term, make_article):
    body = "## Le CAPE\n\n`CAPE` et [CAPE](https://example.org) et CAPES et ESCAPE."
    article = make_article("Technique", body=body)
    assert "term-link" not in article.body_html


def test_a_new_term_links_the_articles_already_published(make_article):
    article = make_article("CESA", body="Le CESA est un contrat de travail.")
    assert "term-link" not in article.body_html
    actions.save_term(Term(term="CESA", definition="Contrat d'entrepreneur salarié associé."))
    article.refresh_from_db()
    assert 'aria-describedby="term-tip-cesa"' in article.body_html


def test_deleting_a_term_unlinks_the_articles(term, make_article):
    article = make_article("Démarrer", body="Signer le CAPE.")
    actions.delete_term(term)
    article.refresh_from_db()
    assert "term-link" not in article.body_html


def test_article_page_does_not_render_markdown_or_read_the_glossary(client, member, article):
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    assert not [q for q in queries.captured_queries if "kb_term" in q["sql"]]


def test_render_keeps_plain_text_for_search_without_definitions(term):
    rendered = render_article("Le **CAPE** dure six mois.")
    assert rendered.text == "Le CAPE dure six mois."
    assert "Contrat d'appui" in rendered.html


def test_linker_escapes_text_around_terms():
    entry = GlossaryEntry(slug="cae", term="CAE", definition="Coopérative", url="/g/cae/")
    glossary = Glossary([(entry, ["CAE"])])
    html = glossary.link("<p>a &lt;b&gt; CAE &amp; c</p>")
    assert html.startswith("<p>a &lt;b&gt; <span class=\"term\">")
    assert "&amp; c</p>" in html


def test_diff_marks_words_added_and_removed_and_escapes_html():
    blocks = diff_blocks("Payer sous 30 jours.\nSame.", "Payer sous 45 jours <b>net</b>.\nSame.")
    changed = [b for b in blocks if b.kind == "changed"][0].html
    assert "<del>30</del>" in changed and "<ins>45</ins>" in changed
    assert "&lt;b&gt;" in changed and "<b>" not in changed
    assert [b.kind for b in blocks] == ["changed", "same"]


def test_diff_folds_long_unchanged_passages():
    old = "\n".join(f"line {i}" for i in range(20))
    new = old.replace("line 10", "line ten")
    kinds = [b.kind for b in diff_blocks(old, new)]
    assert kinds.count("folded") == 2 and kinds.count("changed") == 1
    assert len(kinds) < 10


@pytest.mark.parametrize("audience", [Audience.PUBLIC, Audience.STAFF])
def test_rendering_does_not_depend_on_audience(make_article, audience):
    article = make_article("Titre", body="**gras**", audience=audience)
    assert Article.objects.get(pk=article.pk).body_html == "<p><strong>gras</strong></p>"


def test_glossary_pattern_prefers_the_longest_term_and_whole_words():
    short = GlossaryEntry(slug="cae", term="CAE", definition="Coopérative", url="/g/cae/")
    long = GlossaryEntry(slug="cape", term="CAPE", definition="Contrat", url="/g/cape/")
    glossary = Glossary([(short, ["CAE"]), (long, ["CAPE", "CAPE jeune"])])
    html = glossary.link("<p>Un CAPE jeune, une CAE, des CAPES, R&amp;CAE.</p>")
    assert '">CAPE jeune</a>' in html and '">CAE</a>' in html
    assert "CAPES" in html and html.count("term-link") == 2
