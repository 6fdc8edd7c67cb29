"""The debriefs app's views, one module per area of the product:

- `home`: the client's home page and the network-wide next steps.
- `meetings`: the meeting list, planning or logging a meeting, a meeting's page.
- `debrief_form`: the debrief form, autosave, the live suggestions panel, referrals.
- `follow_ups`: the follow-up list, adding and ticking follow-ups.
- `package`: the Package and a meeting's prep sheet.
- `calendar`: the private calendar feed.
- `comments`: the comment thread between a client and their coach (both sides).
- `coach`: the coach's workspace (read-only for client data).
- `common`: the lookups and limits several of them share.
"""
