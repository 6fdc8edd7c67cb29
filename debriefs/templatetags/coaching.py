from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def coach_thread(context, debrief):
    """The debrief's comment thread for the signed-in user (see coach_views.build_thread).

    Views that already built it pass `thread`; pages of other areas (the client's meeting
    page) only pass `debrief` and the thread is built here.
    """
    if context.get("thread") is not None:
        return context["thread"]
    from debriefs.coach_views import build_thread

    return build_thread(debrief, context["request"].user)
