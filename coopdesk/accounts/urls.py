"""Our names for the login and logout pages (used across templates and tests), served by
django-allauth's views; the rest of allauth's pages are under the same prefix."""

from allauth.account import views as allauth_views
from django.urls import path

from coopdesk.accounts import profile

app_name = "accounts"

urlpatterns = [
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
]

# My profile (coopdesk/accounts/profile.py).
urlpatterns += [
    path("profil/", profile.profile_edit, name="profile-edit"),
    path("profil/mes-donnees.zip", profile.data_download, name="data-download"),
    path("profil/effacement/", profile.erasure_ask, name="erasure-ask"),
]
