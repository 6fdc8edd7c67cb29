from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.forms.widgets import Input
from django.template.loader import render_to_string

from .models import Invitation, User
from .tasks import send_email


def one_line(text: str) -> str:
    """`text` as one line: NUL characters dropped (PostgreSQL refuses them), every run of
    spaces, tabs and line breaks made one space, none at either end."""
    return " ".join(text.replace("\x00", "").split())


class OneLineInputs:
    """Form mixin: the value sent for each one-line text input (an `<input>`, not a
    `<textarea>`) goes through `one_line()` before the form reads it.

    A browser cannot put a line break in an `<input>`, but a hand-made POST can, and a
    name or a title with one breaks the CSV and vCard exports and the calendar feed. The
    sent data is normalised (not the cleaned value), so the form's own checks see what
    will be saved, and a form shown again with errors shows it too. Passwords are left
    exactly as typed. Every form with such an input uses this mixin (a test checks it).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        changed = {}
        for name, field in self.fields.items():
            if not (isinstance(field, forms.CharField) and isinstance(field.widget, Input)
                    and not isinstance(field.widget, forms.PasswordInput)):
                continue
            key = self.add_prefix(name)
            if hasattr(self.data, "getlist"):
                sent = self.data.getlist(key)
                normal = [one_line(value) if isinstance(value, str) else value
                          for value in sent]
            else:
                sent = self.data.get(key)
                normal = one_line(sent) if isinstance(sent, str) else sent
            if normal != sent:
                changed[key] = normal
        if not changed:  # copying the whole POST for each form would cost more than this
            return
        data = self.data.copy()
        for key, normal in changed.items():
            if hasattr(data, "setlist"):
                data.setlist(key, normal)
            else:
                data[key] = normal
        self.data = data


class EmailAuthenticationForm(OneLineInputs, AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": "That email and password do not match an account. "
        "Check both (the password is case-sensitive).",
        "inactive": "This account is inactive.",
    }


class SignupForm(OneLineInputs, forms.ModelForm):
    """Sign-up creates a client; coaches are created by an administrator."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in, or reset its password."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords differ.")
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get("password1")
        if password:
            try:
                password_validation.validate_password(password, self.instance)
            except forms.ValidationError as error:
                self.add_error("password1", error)

    def save(self, commit=True):
        user = super().save(commit=False)
        user.role = User.Role.CLIENT
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class ProfileForm(OneLineInputs, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class InvitationForm(OneLineInputs, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email"]
        labels = {"email": "Client's email (optional)"}
        help_texts = {
            "email": "We email the link there. Leave it empty to copy the link and send it "
            "yourself."
        }
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, coach: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.coach = coach

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if email and self.coach.clients.filter(email=email).exists():
            raise forms.ValidationError("This person is already your client.")
        if email and email == self.coach.email:
            raise forms.ValidationError("That is your own address.")
        return email

    def save(self, commit=True):
        invitation = super().save(commit=False)
        invitation.coach = self.coach
        if commit:
            invitation.save()
        return invitation


class QueuedPasswordResetForm(OneLineInputs, PasswordResetForm):
    """Django's reset form, with the email rendered here and sent by the task worker."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        html_body = (render_to_string(html_email_template_name, context)
                     if html_email_template_name else "")
        send_email.enqueue(subject, render_to_string(email_template_name, context),
                           [to_email], html_body)
