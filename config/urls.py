from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.health import healthz
from debriefs.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("coach/", include("debriefs.coach_urls")),
    path("", include("debriefs.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

if settings.BENCH_BARE_VIEW:  # make bench's reference page only, never in production
    from config.bench_views import bare

    urlpatterns.append(path("_bench/bare/", bare, name="bench_bare"))

# The 500 page, or the 503 page when the database was unreachable (config/errors.py).
handler500 = "config.errors.server_error"
