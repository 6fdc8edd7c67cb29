"""Emails are sent by the task worker (django.tasks), never inside a request: a slow or
unreachable mail server then delays nobody's page, and a failed send is kept in the
queue's table with its error instead of being lost."""

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task
def send_email(subject: str, body: str, to: list[str], html_body: str = "") -> None:
    message = EmailMultiAlternatives(subject, body, None, to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
