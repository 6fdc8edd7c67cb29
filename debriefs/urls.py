from django.urls import path

from . import views

app_name = "debriefs"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
]
