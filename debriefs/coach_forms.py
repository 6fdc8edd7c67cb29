from django import forms


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=4000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write something before posting.",
            "max_length": "Keep a comment under %(limit_value)d characters (this one has "
            "%(show_value)d).",
        },
    )
