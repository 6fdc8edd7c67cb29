from django.urls import path

from .views import (
    account_data,
    calendar,
    debrief_form,
    follow_ups,
    home,
    meetings,
    method,
    notes,
    package,
)

app_name = "debriefs"

urlpatterns = [
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/prep/", package.meeting_prep, name="meeting_prep"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/held/", meetings.meeting_mark_held, name="meeting_mark_held"),
    path("meetings/<int:pk>/debrief/", debrief_form.debrief_edit, name="debrief_edit"),
    path("meetings/<int:pk>/debrief/autosave/", debrief_form.debrief_autosave,
         name="debrief_autosave"),
    path("meetings/<int:pk>/debrief/suggestions/", debrief_form.debrief_suggestions,
         name="debrief_suggestions"),
    path("meetings/<int:pk>/suggestions/accept/", debrief_form.suggestion_accept,
         name="suggestion_accept"),
    path("meetings/<int:pk>/suggestions/dismiss/", debrief_form.suggestion_dismiss,
         name="suggestion_dismiss"),
    path("meetings/<int:pk>/referrals/", debrief_form.referral_add, name="referral_add"),
    path("meetings/<int:pk>/notes/<slug:code>/", notes.meeting_note, name="meeting_note"),
    path("suggestions/accept/", home.network_suggestion_accept,
         name="network_suggestion_accept"),
    path("suggestions/dismiss/", home.network_suggestion_dismiss,
         name="network_suggestion_dismiss"),
    path("package/", package.package_edit, name="package"),
    path("about/method/", method.method, name="method"),
    path("follow-ups/", follow_ups.follow_up_list, name="follow_up_list"),
    path("follow-ups/new/", follow_ups.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:pk>/toggle/", follow_ups.follow_up_toggle, name="follow_up_toggle"),
    path("follow-ups/<int:pk>/note/", notes.follow_up_note, name="follow_up_note"),
    path("calendar/<uuid:token>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("calendar/reset/", calendar.calendar_reset, name="calendar_reset"),
    path("account/data/", account_data.account_data, name="account_data"),
    path("account/delete/", account_data.account_delete, name="account_delete"),
]
