import pytest
from django.urls import reverse

from debriefs.models import Comment, DebriefView
from tests.factories import CommentFactory, DebriefFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def debrief(alice, carol):
    return DebriefFactory(meeting__owner=alice, meeting__contact__name="Dr Omar Haddad")


def comment_url(debrief):
    return reverse("coach:comment", args=[debrief.pk])


def test_the_coach_comments_with_a_plain_post_and_returns_to_the_review(client, carol, debrief):
    client.force_login(carol)
    response = client.post(comment_url(debrief), {"body": "Lead the questions next time."})
    assert response.status_code == 302
    assert response.url == reverse("coach:review", args=[debrief.pk]) + "#thread"
    comment = Comment.objects.get()
    assert (comment.author, comment.debrief, comment.body) == (
        carol,
        debrief,
        "Lead the questions next time.",
    )


def test_the_coach_comments_with_htmx_and_gets_the_thread_back(client, carol, debrief):
    client.force_login(carol)
    response = client.post(
        comment_url(debrief), {"body": "Well done on the stump speech."}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="thread"' in html and "Well done on the stump speech." in html
    assert "<html" not in html
    assert "commentAdded" in response.headers["HX-Trigger"]


def test_an_empty_comment_is_refused_next_to_the_field_with_htmx(client, carol, debrief):
    client.force_login(carol)
    response = client.post(comment_url(debrief), {"body": "   "}, HTTP_HX_REQUEST="true")
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_empty_comment_without_javascript_shows_the_thread_page_with_the_error(
    client, carol, debrief
):
    client.force_login(carol)
    response = client.post(comment_url(debrief), {"body": ""})
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()


def test_a_too_long_comment_keeps_what_was_typed(client, carol, debrief):
    client.force_login(carol)
    body = "x" * 4001
    response = client.post(comment_url(debrief), {"body": body}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Keep a comment under 4000 characters" in html and body in html


def test_the_client_replies_and_returns_to_the_meeting_page(client, alice, carol, debrief):
    client.force_login(alice)
    response = client.post(comment_url(debrief), {"body": "Thanks, I will."})
    assert response.url == reverse("debriefs:meeting_detail", args=[debrief.meeting_id]) + "#thread"
    assert Comment.objects.get().author == alice


def test_the_client_sees_the_coachs_comment_on_the_meeting_page(client, alice, carol, debrief):
    CommentFactory(debrief=debrief, author=carol, body="Ask for two names next time.")
    client.force_login(alice)
    html = client.get(
        reverse("debriefs:meeting_detail", args=[debrief.meeting_id])
    ).content.decode()
    assert "Ask for two names next time." in html
    assert "Reply to your coach" in html


def test_before_any_comment_the_client_writes_rather_than_replies(client, alice, carol,
                                                                  debrief):
    client.force_login(alice)
    html = client.get(
        reverse("debriefs:meeting_detail", args=[debrief.meeting_id])
    ).content.decode()
    assert "Write to your coach" in html
    assert "Reply to your coach" not in html


def test_the_client_sees_when_the_coach_viewed_the_debrief(client, alice, carol, debrief):
    view = DebriefView.objects.create(debrief=debrief, coach=carol)
    client.force_login(alice)
    html = client.get(
        reverse("debriefs:meeting_detail", args=[debrief.meeting_id])
    ).content.decode()
    assert "Carol" in html and "viewed this debrief on" in html
    assert view.viewed_at.strftime("%-d %b %Y") in html


def test_the_nav_counts_new_comments_until_the_client_reads_them(client, alice, carol, debrief):
    CommentFactory.create_batch(2, debrief=debrief, author=carol)
    CommentFactory(debrief=debrief, author=alice)  # their own reply is not news to them
    client.force_login(alice)
    home = client.get(reverse("debriefs:meeting_list")).content.decode()
    assert '<span class="nav-count">2<span class="sr-only"> new comments</span>' in home
    client.get(reverse("debriefs:meeting_detail", args=[debrief.meeting_id]))
    again = client.get(reverse("debriefs:meeting_list")).content.decode()
    assert "new comments" not in again


def test_the_page_where_the_client_reads_new_comments_no_longer_counts_them(
    client, alice, carol, debrief
):
    CommentFactory(debrief=debrief, author=carol, body="Ask for two names next time.")
    client.force_login(alice)
    html = client.get(
        reverse("debriefs:meeting_detail", args=[debrief.meeting_id])
    ).content.decode()
    assert "Ask for two names next time." in html
    assert "new comment" not in html


def test_the_coachs_nav_counts_client_replies(client, alice, carol, debrief):
    CommentFactory(debrief=debrief, author=alice)
    client.force_login(carol)
    html = client.get(reverse("coach:home")).content.decode()
    assert '<span class="nav-count">1<span class="sr-only"> new reply</span>' in html


def test_replies_on_a_private_debrief_are_not_counted_for_the_coach(client, alice, carol, debrief):
    CommentFactory(debrief=debrief, author=alice)
    debrief.is_private = True
    debrief.save()
    client.force_login(carol)
    assert "new repl" not in client.get(reverse("coach:home")).content.decode()


def test_the_client_cannot_comment_on_a_private_debrief(client, alice, carol):
    private = DebriefFactory(meeting__owner=alice, is_private=True)
    client.force_login(alice)
    assert client.post(comment_url(private), {"body": "Hello"}).status_code == 403
    assert not Comment.objects.exists()


def test_a_client_without_a_coach_cannot_comment(client, alice):
    debrief = DebriefFactory(meeting__owner=alice)
    client.force_login(alice)
    assert client.post(comment_url(debrief), {"body": "Hello"}).status_code == 403


def test_another_client_gets_a_404(client, charlie, debrief):
    client.force_login(charlie)
    assert client.post(comment_url(debrief), {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_another_coach_gets_a_404(client, dave, debrief):
    client.force_login(dave)
    assert client.post(comment_url(debrief), {"body": "Hello"}).status_code == 404
    assert not Comment.objects.exists()


def test_the_conversations_page_lists_debriefs_with_new_comments_first(client, alice, carol):
    old = DebriefFactory(meeting__owner=alice, meeting__contact__name="Read Already")
    new = DebriefFactory(meeting__owner=alice, meeting__contact__name="Fresh News")
    CommentFactory(debrief=old, author=carol, read_by_recipient_at="2026-01-01T00:00Z")
    CommentFactory(debrief=new, author=carol)
    client.force_login(alice)
    html = client.get(reverse("coach:conversations")).content.decode()
    assert html.index("Fresh News") < html.index("Read Already")
    assert "1 new" in html


def test_an_htmx_reply_also_refreshes_the_nav_count_out_of_band(client, alice, carol, debrief):
    CommentFactory(debrief=debrief, author=carol)
    client.force_login(alice)
    response = client.post(comment_url(debrief), {"body": "Thanks"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<span id="nav-comment-count" hx-swap-oob="true"></span>' in html


def test_a_new_coach_does_not_see_or_count_the_former_coachs_comments(client, alice, carol, dave):
    debrief = DebriefFactory(meeting__owner=alice)
    CommentFactory(debrief=debrief, author=carol, body="Between Carol and Alice.")
    CommentFactory(debrief=debrief, author=alice, body="Alice's own note.")
    alice.coach = dave
    alice.save()
    client.force_login(dave)
    home = client.get(reverse("coach:home")).content.decode()
    assert '<span class="nav-count">1<span class="sr-only"> new reply</span>' in home
    html = client.get(reverse("coach:review", args=[debrief.pk])).content.decode()
    assert "Alice&#x27;s own note." in html
    assert "Between Carol and Alice." not in html


@pytest.mark.parametrize("size", [1, 5])
def test_the_conversations_page_uses_a_fixed_number_of_queries(
    client, alice, carol, size, django_assert_num_queries
):
    for _ in range(size):
        CommentFactory(debrief=DebriefFactory(meeting__owner=alice), author=carol)
    client.force_login(alice)
    client.get(reverse("coach:conversations"))
    with django_assert_num_queries(4):
        response = client.get(reverse("coach:conversations"))
    assert len(response.context["debriefs"]) == size
