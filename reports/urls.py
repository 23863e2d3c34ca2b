from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("sites/<str:public_id>/", views.site_overview, name="site_overview"),
]
