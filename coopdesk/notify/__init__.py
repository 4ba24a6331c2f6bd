"""The one place that fans out what happened.

An action writes its timeline event, then hands it to `notify.event(event)`, inside its
transaction. Whatever the domain (a request, a path, an unpaid invoice, an article, a
reminder), the same path follows:

- recipients (recipients.py): who hears of it, as the app registered (registry.py);
- deliver (deliver.py): each person's in-app notification (django-notifications-community),
  marked with how they chose to hear of that kind of step, and an outbox row for those who
  chose e-mail at once (the worker sends it, coopdesk/outbox.py);
- push (push.py): after commit, the same `notification` message to each recipient's group
  (the header's badge and menu), plus the object-specific messages a page on screen uses;
- wording (wording.py): the words, written when read, in the reader's language.

Nothing else sends in-app notifications or channel-layer messages.
"""

from coopdesk.notify.deliver import (
    deliver,
    event,
    mark_read,
    notice,
    notification_messages,
    reminder,
    unread_count,
)
from coopdesk.notify.push import push_on_commit, team_group, ticket_group, user_group
from coopdesk.notify.recipients import (
    active_users,
    default_delivery,
    deliveries_for,
    kinds_for,
    notice_kind,
    preferences_for,
    save_preferences,
    set_subscription,
)
from coopdesk.notify.wording import about, describe, label, serialize
