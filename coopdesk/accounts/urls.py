from django.contrib.auth import views as auth_views
from django.urls import path

from coopdesk.accounts import profile
from coopdesk.accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# My profile (coopdesk/accounts/profile.py).
urlpatterns += [
    path("profil/", profile.profile_edit, name="profile-edit"),
    path("profil/mes-donnees.zip", profile.data_download, name="data-download"),
    path("profil/effacement/", profile.erasure_ask, name="erasure-ask"),
]
