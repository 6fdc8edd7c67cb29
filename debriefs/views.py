from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import client_required

from .models import Meeting


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@client_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.for_user(request.user).select_related("contact")
    return render(request, "debriefs/meeting_list.html", {"meetings": meetings})
