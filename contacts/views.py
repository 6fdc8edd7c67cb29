from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.permissions import client_required

from .models import Contact


@client_required
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = Contact.objects.for_user(request.user)
    return render(request, "contacts/list.html", {"contacts": contacts})
