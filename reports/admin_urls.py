from django.urls import path

from reports import views

app_name = "reports_dashboards"

urlpatterns = [
    path("", views.DashboardIndexView.as_view(), name="index"),
    path("<slug:slug>/", views.DashboardView.as_view(), name="dashboard"),
    path("<slug:slug>/export/<slug:section>.<str:fmt>", views.DashboardExportView.as_view(), name="export"),
]
