from django.contrib import admin
from django.urls import include, path

from debriefs.views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("contacts/", include("contacts.urls")),
    path("coach/", include("debriefs.coach_urls")),
    path("", include("debriefs.urls")),
    path("admin/", admin.site.urls),
]
