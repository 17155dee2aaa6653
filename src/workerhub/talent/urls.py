"""Talent URLs: each page module declares its own list (views/nominations.py, people.py, profiles.py)."""

from .views import compliance, nominations, people, profiles

app_name = "talent"
urlpatterns = [*nominations.urls, *people.urls, *profiles.urls, *compliance.urls]
