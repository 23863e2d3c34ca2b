from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views.auth import login_view
from analytics_site.backoffice import queues_page
from analytics_site.health import health
from analytics_site.metrics import metrics_view
from tracking.collector import collect
from tracking.script import tracker_extension, tracker_script

urlpatterns = [
    path("api/event", collect, name="collect"),
    path("api/", include("api.urls")),
    path("script.js", tracker_script, name="tracker_script"),
    path("script.<str:name>.js", tracker_extension, name="tracker_extension"),
    path("health", health, name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/queues/", admin.site.admin_view(queues_page), name="admin_queues"),
    path("admin/", admin.site.urls),
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("", include("reports.urls")),
    path("", include("billing.urls")),
]
if settings.OIDC_ENABLED:
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
