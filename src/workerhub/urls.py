"""Root URLconf: each app's pages, the JSON API under /api/v1/, health check, language switch."""

from django.contrib import admin
from django.urls import include, path

from .api import api
from .core.views import healthz
from .skills.urls import verify_patterns

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("housing/", include("workerhub.housing.urls")),
    path("stations/", include("workerhub.stations.urls")),
    path("skills/", include("workerhub.skills.urls")),
    path("talent/", include("workerhub.talent.urls")),
    path("verify/", include((verify_patterns, "verify"))),
    path("", include("workerhub.core.urls")),
]
