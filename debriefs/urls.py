from django.urls import path

from . import views

app_name = "debriefs"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/prep/", views.meeting_prep, name="meeting_prep"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/debrief/", views.debrief_edit, name="debrief_edit"),
    path("meetings/<int:pk>/debrief/autosave/", views.debrief_autosave,
         name="debrief_autosave"),
    path("meetings/<int:pk>/debrief/suggestions/", views.debrief_suggestions,
         name="debrief_suggestions"),
    path("meetings/<int:pk>/suggestions/accept/", views.suggestion_accept,
         name="suggestion_accept"),
    path("meetings/<int:pk>/suggestions/dismiss/", views.suggestion_dismiss,
         name="suggestion_dismiss"),
    path("meetings/<int:pk>/referrals/", views.referral_add, name="referral_add"),
    path("suggestions/accept/", views.network_suggestion_accept,
         name="network_suggestion_accept"),
    path("package/", views.package_edit, name="package"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:pk>/toggle/", views.follow_up_toggle, name="follow_up_toggle"),
    path("calendar/<uuid:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
]
