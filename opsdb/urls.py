from django.contrib import admin
from django.urls import include, path

from operations.views import details, errors, feed, operation, timeline

urlpatterns = [
    path("", timeline.timeline, name="timeline"),
    path("map.json", timeline.map_points, name="map-points"),
    path("feed/", feed.OperationsFeed(), name="feed"),
    path("operations/<int:pk>/", operation.detail, name="operation"),
    path("persons/<int:pk>/", details.person, name="person"),
    path("organisations/<int:pk>/", details.organisation, name="organisation"),
    path("places/<int:pk>/", details.place, name="place"),
    path("sources/<int:pk>/", details.source, name="source"),
    path("admin/", admin.site.urls),
    path("api/", include("operations.api.urls")),
]

handler404 = errors.page_not_found
handler500 = errors.server_error
