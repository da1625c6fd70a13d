from django.urls import path

from . import security_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("tokens/", security_views.token_list, name="tokens"),
    path("tokens/<str:prefix>/revoke/", security_views.token_revoke, name="token_revoke"),
    path("locked/", security_views.locked_list, name="locked"),
    path("locked/<int:pk>/unlock/", security_views.unlock, name="unlock"),
    path("notifications/", views.notification_list, name="notifications"),
    path("2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
]
