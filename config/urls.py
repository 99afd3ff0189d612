from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("settings/", include("accounts.urls")),
    path("journal/insights/", include("journal.insights_urls")),
    path("journal/", include("journal.urls")),
    path("", include("connections.urls")),
    path("", include("connections.nudges.urls")),
    path("", include("connections.sharing.urls")),
    path("dev/outbox/", views.dev_outbox, name="dev_outbox"),
    path(settings.ADMIN_URL, admin.site.urls),
]

if settings.BENCH_FLOOR:
    from bench.floor import floor_view

    urlpatterns.append(path("bench/floor/", floor_view, name="bench_floor"))

# A body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a friendly page that says the writing is still in the browser.
handler400 = "journal.errors.bad_request"
