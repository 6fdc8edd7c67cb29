from django.urls import path

from .views import coach, comments

app_name = "coach"

urlpatterns = [
    path("", coach.home, name="home"),
    path("clients/<int:pk>/", coach.client_detail, name="client_detail"),
    path("clients/<int:pk>/tiers/", coach.client_tiers, name="client_tiers"),
    path("debriefs/<int:pk>/", coach.review, name="review"),
    path("debriefs/<int:pk>/reviewed/", coach.mark_reviewed, name="mark_reviewed"),
    path("debriefs/<int:pk>/comments/", comments.comment, name="comment"),
    path("comments/", comments.conversations, name="conversations"),
]
