from django.contrib import admin
from django.urls import include, path

from operations import views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("admin/", admin.site.urls),
    path("api/", include("operations.api.urls")),
]

handler404 = views.page_not_found
