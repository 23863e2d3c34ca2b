from django.urls import path

from reports import milestone_views, share_views, views

app_name = "reports"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("sites/<str:public_id>/", views.dashboard, name="dashboard"),
    path("sites/<str:public_id>/tables/<slug:table>/", views.table, name="table"),
    path("sites/<str:public_id>/export/<slug:table>.csv", views.export, name="export"),
    path("sites/<str:public_id>/live", views.live, name="live"),
    path("sites/<str:public_id>/milestones/", milestone_views.create, name="milestone_create"),
    path(
        "sites/<str:public_id>/milestones/<int:milestone_id>/delete",
        milestone_views.delete,
        name="milestone_delete",
    ),
    path("sites/<str:public_id>/sharing/", share_views.sharing_settings, name="sharing"),
    path("share/<str:token>/", share_views.share_dashboard, name="share_dashboard"),
    path("share/<str:token>/tables/<slug:table>/", share_views.share_table, name="share_table"),
    path(
        "share/<str:token>/export/<slug:table>.csv", share_views.share_export, name="share_export"
    ),
    path("share/<str:token>/live", share_views.share_live, name="share_live"),
]
