"""The account's data: download all of it, or delete the account with all of it.

These live in debriefs, not accounts, because they reach every app's rows
(debriefs/account_data.py); the account page links to them.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..account_data import account_summary, delete_account, export_zip
from ..forms import AccountDeleteForm


@require_GET
def account_data(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(export_zip(request.user), content_type="application/zip")
    filename = f"debriefs-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        delete_account(request.user)
        logout(request)
        messages.success(request, "Your account and all its data are deleted.")
        return redirect("accounts:login")
    return render(request, "debriefs/account_delete.html", {
        "form": form, "summary": account_summary(request.user),
    }, status=422 if form.is_bound else 200)
