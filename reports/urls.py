from django.urls import path

from reports import email_views, milestone_views, share_views, views

app_name = "reports"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("sites/<str:public_id>/", views.dashboard, name="dashboard"),
    path("sites/<str:public_id>/tables/<slug:table>/", views.table, name="table"),
    path("sites/<str:public_id>/export/<slug:table>.csv", views.export, name="export"),
    path("sites/<str:public_id>/events/properties/", views.properties, name="properties"),
    path(
        "sites/<str:public_id>/events/properties.csv",
        views.properties_export,
        name="properties_export",
    ),
    path("sites/<str:public_id>/live", views.live, name="live"),
    path("sites/<str:public_id>/milestones/", milestone_views.create, name="milestone_create"),
    path(
        "sites/<str:public_id>/milestones/<int:milestone_id>/delete",
        milestone_views.delete,
        name="milestone_delete",
    ),
    path("sites/<str:public_id>/sharing/", share_views.sharing_settings, name="sharing"),
    path("sites/<str:public_id>/emails/", email_views.email_settings, name="emails"),
    path("email/unsubscribe/<str:token>/", email_views.unsubscribe, name="unsubscribe"),
    path("email/confirm/<str:token>/", email_views.confirm_recipient, name="confirm_recipient"),
    path("share/<str:token>/", share_views.share_dashboard, name="share_dashboard"),
    path("share/<str:token>/tables/<slug:table>/", share_views.share_table, name="share_table"),
    path(
        "share/<str:token>/export/<slug:table>.csv", share_views.share_export, name="share_export"
    ),
    path(
        "share/<str:token>/events/properties/",
        share_views.share_properties,
        name="share_properties",
    ),  # fmt: skip
    path(
        "share/<str:token>/events/properties.csv",
        share_views.share_properties_export,
        name="share_properties_export",
    ),  # fmt: skip
    path("share/<str:token>/live", share_views.share_live, name="share_live"),
]
