from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api.docs import SwaggerView
from api.views.milestones import MilestonesView, MilestoneView
from api.views.sites import (
    AccountView,
    SiteDataView,
    SiteEventsView,
    SitesView,
    SiteView,
)
from api.views.stats import AggregationsView, CurrentVisitorsView

app_name = "api"
urlpatterns = [
    path("v1/aggregations", AggregationsView.as_view(), name="aggregations"),
    path("v1/current_visitors", CurrentVisitorsView.as_view(), name="current_visitors"),
    path("v1/account", AccountView.as_view(), name="account"),
    path("v1/sites", SitesView.as_view(), name="sites"),
    path("v1/sites/<str:site_id>", SiteView.as_view(), name="site"),
    path("v1/sites/<str:site_id>/data", SiteDataView.as_view(), name="site_data"),
    path("v1/sites/<str:site_id>/events", SiteEventsView.as_view(), name="site_events"),
    path("v1/sites/<str:site_id>/milestones", MilestonesView.as_view(), name="milestones"),
    path(
        "v1/sites/<str:site_id>/milestones/<str:milestone_id>",
        MilestoneView.as_view(),
        name="milestone",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
]
