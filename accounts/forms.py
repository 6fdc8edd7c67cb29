from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from .models import Invitation, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    error_messages = {
        "invalid_login": "That email and password do not match an account. "
        "Check both (the password is case-sensitive).",
        "inactive": "This account is inactive.",
    }


class SignupForm(forms.ModelForm):
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


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name"]


class InvitationForm(forms.ModelForm):
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
