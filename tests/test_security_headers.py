import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
def test_htmx_script_carries_the_nonce_and_csrf_header_is_on_body(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    html = response.content.decode()
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in html
    assert '<body hx-headers=\'{"X-CSRFToken": "' in html
    assert "includeIndicatorStyles" in html
