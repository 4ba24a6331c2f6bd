from django.urls import path

from kb import views

app_name = "kb"

urlpatterns = [
    path("", views.home, name="home"),
    path("recherche/", views.search_view, name="article-search"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suggestions/utile/", views.deflection_create, name="deflection-create"),
    path("themes/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("proposer/", views.article_create, name="article-create"),
    path("proposer/brouillon/", views.article_draft_save, name="article-draft-new"),
    path("mes-fiches/", views.article_mine, name="article-mine"),
    path("relecture/", views.review_list, name="review-list"),
    path("statistiques/", views.stats, name="article-stats"),
    path("fiches/<slug:slug>/", views.article_detail, name="article-detail"),
    path("fiches/<slug:slug>/modifier/", views.article_edit, name="article-edit"),
    path("fiches/<slug:slug>/brouillon/", views.article_draft_save, name="article-draft"),
    path("fiches/<slug:slug>/etape/<slug:step>/", views.article_step, name="article-step"),
    path("fiches/<slug:slug>/commentaire/", views.article_comment, name="article-comment"),
    path("fiches/<slug:slug>/avis/", views.article_feedback, name="article-feedback"),
    path("fiches/<slug:slug>/versions/", views.article_history, name="article-history"),
    path("fiches/<slug:slug>/versions/<id:number>/", views.revision_detail,
         name="revision-detail"),
    path("guides/", views.guide_list, name="guide-list"),
    path("guides/<slug:slug>/", views.guide_detail, name="guide-detail"),
    path("guides/<slug:slug>/repondre/", views.guide_answer, name="guide-answer"),
    path("guides/<slug:slug>/retour/", views.guide_back, name="guide-back"),
    path("guides/<slug:slug>/recommencer/", views.guide_restart, name="guide-restart"),
    path("lexique/", views.term_list, name="term-list"),
    path("lexique/<slug:slug>/", views.term_detail, name="term-detail"),
    path("kit/<slug:slug>/", views.kit_detail, name="kit-detail"),
    path("services/", views.service_list, name="service-list"),
]
