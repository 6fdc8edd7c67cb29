import datetime

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from .backends import BACKEND
from .forms import InvitationForm, ProfileForm, QueuedPasswordResetForm, SignupForm
from .models import Invitation, InvitationError, Session
from .permissions import client_required, coach_required
from .security import client_address, log_event
from .tasks import send_email
from .throttling import allow_attempt, retry_minutes

# Password-reset emails: per address typed and per client address, over one hour.
RESET_LIMITS = {"email": 3, "address": 10}
RESET_WINDOW = datetime.timedelta(hours=1)


def _safe_next(request: HttpRequest) -> str:
    """The `next` page asked for, if it is a path on this site (never an open redirect;
    never "abc", which `redirect()` would take for a view name)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    is_path = target.startswith("/") and not target.startswith("//")
    if is_path and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    # An invitation's "create an account" link fills in the address it was sent to.
    form = SignupForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend=BACKEND)
        messages.success(request, "Welcome! Your account is ready.")
        return redirect(next_url or "home")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:account")
    return render(request, "accounts/account.html", {"form": form})


@client_required
@require_POST
def end_coaching(request: HttpRequest) -> HttpResponse:
    coach = request.user.coach
    if coach is None:
        messages.info(request, "You have no coach at the moment.")
    else:
        request.user.end_coaching()
        log_event("coach_link_ended", request, coach=coach.pk)
        messages.success(
            request,
            f"{coach.display_name} is no longer your coach and can no longer see your "
            "debriefs, contacts or comments.",
        )
    return redirect("accounts:account")


# Invitations: the coach's side


def _send_invitation(request: HttpRequest, invitation: Invitation) -> None:
    link = request.build_absolute_uri(reverse("accounts:invitation", args=[invitation.token]))
    coach = invitation.coach.display_name
    send_email.enqueue(
        subject=f"{coach} invites you to share your meeting debriefs",
        body=(
            f"{coach} would like to be your coach on Debriefs, where you log each "
            "networking meeting and get your next step.\n\n"
            "Once you accept, your coach can read the debriefs you share (you can keep any "
            "of them private) and your tiers board, and comment on them. You can end the "
            "link at any time from your account page.\n\n"
            f"Open this link to accept (it works once, until "
            f"{invitation.expires_at:%d %B %Y}):\n{link}\n"
        ),
        to=[invitation.email],
    )


@coach_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, coach=request.user)
    if request.method == "POST" and form.is_valid():
        invitation = form.save()
        if invitation.email:
            _send_invitation(request, invitation)
            invitation.mark_sent()
            messages.success(request, f"Invitation emailed to {invitation.email}.")
        else:
            messages.success(request, "Invitation created: copy the link below and send it.")
        return redirect("accounts:invitation_list")
    invitations = request.user.invitations.pending().order_by("-created_at")
    return render(
        request, "accounts/invitation_list.html", {"form": form, "invitations": invitations}
    )


@coach_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(request.user.invitations.pending(), pk=pk)
    invitation.renew()
    if invitation.email:
        _send_invitation(request, invitation)
        messages.success(
            request, f"Invitation sent again to {invitation.email}; it lasts 7 more days."
        )
    else:
        messages.success(request, "The link works for 7 more days.")
    return redirect("accounts:invitation_list")


@coach_required
@require_POST
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(request.user.invitations.pending(), pk=pk)
    invitation.cancel()
    messages.success(request, "Invitation cancelled: its link no longer works.")
    return redirect("accounts:invitation_list")


# Invitations: the client's side


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token) -> HttpResponse:
    """Public: the link says what it is; accepting needs a signed-in client."""
    invitation = get_object_or_404(Invitation.objects.select_related("coach"), token=token)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            invitation.accept(request.user)
        except InvitationError as error:
            log_event("invitation_refused", request, invitation=invitation.pk)
            messages.error(request, str(error))
            return redirect("accounts:invitation", token=token)
        log_event("coach_link_made", request, coach=invitation.coach_id)
        messages.success(
            request,
            f"{invitation.coach.display_name} is now your coach. They can read the debriefs "
            "you share; mark a debrief private to keep it to yourself.",
        )
        return redirect("accounts:account")
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "here": request.get_full_path(),
            "addressed_to_you": request.user.is_authenticated and invitation.is_for(request.user),
        },
    )


# Passwords: Django's views, with throttling and every other session ended server-side.


class PasswordResetView(auth_views.PasswordResetView):
    """Asking for a reset email, at most RESET_LIMITS per hour (the same answer for any
    address, so the page never tells whether an account exists)."""

    form_class = QueuedPasswordResetForm

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        keys = {"email": email, "address": client_address(self.request)}
        if not allow_attempt("password_reset", keys, RESET_LIMITS, RESET_WINDOW):
            log_event("password_reset_throttled", self.request, email=email)
            return render(self.request, "429.html", {
                "reason": "Too many password-reset requests for this address.",
                "retry_minutes": retry_minutes(RESET_WINDOW),
                "next_step": "Check your inbox (and spam folder) for the emails already sent.",
            }, status=429)
        log_event("password_reset_requested", self.request, email=email)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the emailed link ends every session of the account."""

    def form_valid(self, form):
        response = super().form_valid(form)
        Session.end_all_for(form.user)
        log_event("password_reset_done", self.request, user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password keeps this session and ends every other one."""

    def form_valid(self, form):
        response = super().form_valid(form)
        Session.end_all_for(form.user, keep=self.request.session.session_key)
        log_event("password_changed", self.request, user=form.user)
        return response
