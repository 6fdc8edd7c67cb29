"""Outreach timing ("3B7", docs/method.md, "Timing rules"): one definition for every page.

After writing to someone, wait 3 business days; with no reply, write to a second person at
the same organisation. After 7 business days with no reply, send the first person one
follow-up, then let it go. The contacts pages and the suggestion engine both read these.
"""

import datetime

NO_REPLY_SECOND_PERSON_BUSINESS_DAYS = 3
NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS = 7


def business_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days (Monday to Friday) after `start` up to and including `end`, in O(1)."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):  # at most six days
        if (start + datetime.timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def add_business_days(start: datetime.date, days: int) -> datetime.date:
    """The working day that comes `days` working days after `start`, in O(1)."""
    if days <= 0:
        return start
    weeks, rest = divmod(days, 5)
    current = start + datetime.timedelta(weeks=weeks)
    if rest == 0:
        # Whole weeks from a weekend day land on that weekend day: step back to Friday.
        while current.weekday() >= 5:
            current -= datetime.timedelta(days=1)
        return current
    while rest:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            rest -= 1
    return current
