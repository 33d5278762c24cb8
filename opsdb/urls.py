from django.contrib import admin
from django.urls import path

from operations import views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("admin/", admin.site.urls),
]
