from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from partnerships.forms import LoginForm
from portal import views as portal_views

admin.site.site_header = _("Partnership support portal: administration")
admin.site.site_title = _("Partnership portal")
admin.site.index_title = _("Programme data")

auth_patterns = [
    path(
        "logowanie/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("wylogowanie/", auth_views.LogoutView.as_view(), name="logout"),
    path("haslo/zmiana/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "haslo/zmiana/gotowe/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "haslo/reset/",
        portal_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "haslo/reset/wyslano/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "haslo/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "haslo/reset/gotowe/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("favicon.ico", portal_views.favicon),
    path("konto/", include(auth_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("portal.urls")),
    path("wsparcie/", include("support.urls")),
    path("wydarzenia/", include("events.urls")),
    path("ewaluacja/", include("evaluations.urls")),
    path("klip/", include("clips.urls")),
    path("raporty/", include("reports.urls")),
    path("", include("portal.urls")),
    path("", include("partnerships.urls")),
]
