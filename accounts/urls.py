from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.views import auth, profile, sites, team

app_name = "accounts"

_reset = {"success_url": reverse_lazy("accounts:password_reset_done")}
urlpatterns = [
    path("signup/", auth.signup, name="signup"),
    path("verify/<str:token>/", auth.verify, name="verify"),
    path("login/code/", auth.login_code, name="login_code"),
    path(
        "password/reset/",
        auth.ThrottledPasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            html_email_template_name="accounts/email/password_reset.html",
            subject_template_name="accounts/email/password_reset_subject.txt",
            **_reset,
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("login"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "settings/password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:home"),
        ),
        name="password_change",
    ),
    path("settings/", profile.home, name="home"),
    path("settings/email/", profile.change_email, name="change_email"),
    path("settings/email/<str:token>/", profile.confirm_email, name="confirm_email"),
    path("settings/two-factor/", profile.two_factor, name="two_factor"),
    path("settings/api-keys/", profile.api_keys, name="api_keys"),
    path("settings/api-keys/<int:key_id>/revoke/", profile.revoke_key, name="revoke_key"),
    path("invitations/<str:token>/", team.invitation, name="invitation"),
    path("org/<int:account_id>/", team.team_page, name="team"),
    path(
        "org/<int:account_id>/invitations/<int:invitation_id>/revoke/",
        team.revoke_invitation,
        name="revoke_invitation",
    ),
    path("org/<int:account_id>/members/<int:membership_id>/", team.member_action, name="member"),
    path("org/<int:account_id>/leave/", team.leave, name="leave"),
    path("org/<int:account_id>/delete/", team.delete_account, name="delete_account"),
    path("org/<int:account_id>/sites/new/", sites.new_site, name="new_site"),
    path("sites/<str:public_id>/settings/", sites.site_settings, name="site_settings"),
    path("sites/<str:public_id>/delete/", sites.site_delete, name="site_delete"),
    path("sites/<str:public_id>/exclude/", sites.site_exclude, name="site_exclude"),
]
