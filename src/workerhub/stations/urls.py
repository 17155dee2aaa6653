from django.urls import path, register_converter

from . import views


class StationCodeConverter:
    """``ZJ-331024-00001-0``: the station code printed on the plate is the page address (data/README.md)."""

    regex = r"[A-Z]{2}-\d{6}-\d{5}-[0-9X]"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(StationCodeConverter, "stationcode")

app_name = "stations"
urlpatterns = [
    path("", views.finder, name="finder"),
    path("manage/", views.StationList.as_view(), name="list"),
    path("manage/export.xlsx", views.StationExport.as_view(), name="export"),
    path("manage/new/", views.station_create, name="create"),
    path("manage/import/", views.station_import, name="import"),
    path("manage/import/template.xlsx", views.import_template, name="import_template"),
    path("manage/ratings/", views.ratings, name="ratings"),
    path("manage/ratings/<int:pk>/<str:decision>/", views.rating_moderate, name="rating_moderate"),
    path("network/", views.network, name="network"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("<stationcode:code>/", views.detail, name="detail"),
    path("<stationcode:code>/edit/", views.station_edit, name="edit"),
    path("<stationcode:code>/plate.pdf", views.plate, name="plate"),
    path("<stationcode:code>/checkin/", views.checkin, name="checkin"),
    path("<stationcode:code>/rate/", views.rate, name="rate"),
    path("<stationcode:code>/events/", views.events, name="events"),
    path("<stationcode:code>/events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("<stationcode:code>/photos/", views.photo_add, name="photo_add"),
    path("<stationcode:code>/photos/<int:pk>/delete/", views.photo_delete, name="photo_delete"),
]
