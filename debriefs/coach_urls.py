from django.urls import path

from . import coach_views as views

app_name = "coach"

urlpatterns = [
    path("", views.home, name="home"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/tiers/", views.client_tiers, name="client_tiers"),
    path("debriefs/<int:pk>/", views.review, name="review"),
    path("debriefs/<int:pk>/reviewed/", views.mark_reviewed, name="mark_reviewed"),
    path("debriefs/<int:pk>/comments/", views.comment, name="comment"),
    path("comments/", views.conversations, name="conversations"),
]
