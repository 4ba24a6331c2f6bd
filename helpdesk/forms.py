from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role, User
from coopdesk.forms import CleanCharField, IdsField
from coopdesk.rendering import MESSAGE_MAX_CHARS, NOTE_MAX_CHARS
from coopdesk.validators import DATED
from coopdesk.widgets import QuickCheckboxSelectMultiple, QuickSelect
from helpdesk.actions import validate_upload
from helpdesk.models import (
    REFERENCE_RE,
    WAITING_FOR_MEMBER,
    Assignment,
    Category,
    Channel,
    CollectionSettings,
    Priority,
    Score,
    State,
    Team,
    Ticket,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, ATTACHMENT_MAX_FILES at most; each is checked for type and
    size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(sorted(settings.ATTACHMENT_CONTENT_TYPES)),
        }))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.ATTACHMENT_MAX_FILES:
            raise ValidationError(_("Attach %(count)d files at most to one message.")
                                  % {"count": settings.ATTACHMENT_MAX_FILES})
        errors = []
        for upload in files:
            try:
                validate_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


def attachment_help() -> str:
    return _("PDF, image, text or office documents, %(size)d MB at most each.") % {
        "size": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
    }


def reason_field(label: str, required: str | None = None) -> forms.CharField:
    """Why a step is taken: a small box, a step note's length. `required` is what an empty
    box is told; without it the box may stay empty."""
    return CleanCharField(
        label=label, max_length=NOTE_MAX_CHARS, required=required is not None,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": required} if required else None,
    )


class CategoryChoiceField(forms.ModelChoiceField):
    """The categories offered now, each named with the team that handles it."""

    def __init__(self, **kwargs) -> None:
        offered = Category.objects.filter(is_active=True).select_related("team")
        kwargs.setdefault("queryset", offered)
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.team.name} — {obj.label}"


def form_key_field() -> forms.CharField:
    """The form's own key, made when the page is shown (views: uuid4): the same form sent
    twice does its work once. Optional, so a page from before it still posts."""
    return CleanCharField(max_length=40, required=False, widget=forms.HiddenInput)


class TicketForm(forms.Form):
    category = CategoryChoiceField(
        label=_("What is it about?"),
        empty_label=_("Choose the subject of your request"),
        error_messages={"required": _("Choose what your request is about.")},
    )
    subject = CleanCharField(
        label=_("Subject"), max_length=200,
        help_text=_("A few words that sum up your request."),
    )
    body = CleanCharField(
        label=_("Your message"), max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Give the details the team needs: client, invoice number, dates…"),
    )
    files = MultipleFileField(label=_("Attachments"))
    key = form_key_field()  # the draft's key too

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = attachment_help()


class DraftForm(forms.Form):
    key = CleanCharField(max_length=40)
    subject = CleanCharField(required=False, max_length=200)
    body = CleanCharField(required=False, max_length=50_000, widget=forms.Textarea)
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True), required=False
    )


class ReplyForm(forms.Form):
    THEN_CHOICES = [
        ("keep", _("Keep the status")),
        ("wait", _("Ask the member and wait for their answer")),
        ("resolve", _("Mark as resolved")),
    ]
    body = CleanCharField(
        label=_("Your reply"), max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message before sending.")},
    )
    files = MultipleFileField(label=_("Attachments"))
    then = forms.ChoiceField(
        label=_("Then"), choices=THEN_CHOICES, initial="keep", required=False
    )
    key = form_key_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = attachment_help()


class NoteForm(forms.Form):
    body = CleanCharField(
        label=_("Internal note (only the teams see it)"), max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note before saving.")},
    )
    files = MultipleFileField(label=_("Attachments"))
    key = form_key_field()


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False,
        empty_label=_("Nobody (back to the queue)"),
    )

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        agents = team.agents.all()
        if not self.is_bound:  # only shown: each option reads the name (or e-mail)
            agents = agents.only("first_name", "last_name", "email")
        self.fields["assignee"].queryset = agents


class PriorityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, widget=QuickSelect,
        help_text=_("Its targets replace the current ones; the time already used counts."),
    )
    reason = reason_field(_("Why (for the team; the member does not see the priority)"),
                          _("Say why the priority changes."))


class TransferForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = CategoryChoiceField(
        label=_("New team and category"),
        empty_label=_("Choose the team and category"),
        error_messages={"required": _("Choose the team that should handle this request.")},
    )
    reason = reason_field(_("Why (the member reads this)"),
                          _("Say why the request is transferred."))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = self.fields["category"].queryset.exclude(
            team=ticket.team_id
        )


class BulkForm(forms.Form):
    ACTIONS = [("assign", _("Assign")), ("close", _("Close"))]
    tickets = IdsField(
        queryset=Ticket.objects.none(),
        error_messages={"required": _("Select at least one request.")},
    )
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), required=False)

    def __init__(self, *args, team: Team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = Ticket.objects.filter(team=team)
        self.fields["assignee"].queryset = team.agents.all()

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose who to assign the requests to."))
        return data


class DueFirstOrdering(django_filters.OrderingFilter):
    """Due time first; the requests with no running clock (paused, finished) last, on
    every database (SQLite would put them first)."""

    def get_ordering_value(self, param: str):
        if param == "due_at":
            return F("due_at").asc(nulls_last=True)
        return super().get_ordering_value(param)


# The statuses in the team's words, as the queue's badges write them: "waiting for you" is
# the member's.
TEAM_STATES = [
    (state, WAITING_FOR_MEMBER if state == State.WAITING else label)
    for state, label in State.choices
]


class QueueFilter(django_filters.FilterSet):
    WHO = [("mine", _("Mine")), ("unassigned", _("Unassigned")), ("all", _("Everyone"))]
    CLOCK = [("at_risk", _("At risk")), ("late", _("Late")), ("paused", _("Paused"))]
    SORT = [
        ("due_at", _("Due time")),
        ("-updated_at", _("Last update")),
        ("created_at", _("Oldest first")),
        ("-priority", _("Priority")),
        ("first_response_due", _("Response due")),
    ]

    # Filtered by filter_states: django-filter's own way ORs one condition per status, which
    # PostgreSQL cannot answer from the (team, state) index, and adds DISTINCT, which makes
    # the database de-duplicate every wide row of the team before sorting.
    state = django_filters.MultipleChoiceFilter(
        label=_("Status"), choices=TEAM_STATES, widget=QuickCheckboxSelectMultiple,
        method="filter_states",
    )
    priority = django_filters.ChoiceFilter(
        label=_("Priority"), choices=Priority.choices, empty_label=_("Any"), widget=QuickSelect
    )
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.none(), empty_label=_("Any"),
        widget=QuickSelect,
    )
    who = django_filters.ChoiceFilter(
        label=_("Handled by"), choices=WHO, method="filter_who", empty_label=_("Anyone"),
        widget=QuickSelect,
    )
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_text",
        help_text=_("Reference (D-2026-00042), subject or member"),
    )
    clock = django_filters.ChoiceFilter(
        label=_("Clock"), choices=CLOCK, method="filter_clock", empty_label=_("Any"),
        widget=QuickSelect,
    )
    sort = DueFirstOrdering(
        label=_("Sort by"),
        fields=["due_at", "updated_at", "created_at", "priority", "first_response_due"],
        choices=SORT, empty_label=None, widget=QuickSelect,
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def __init__(self, data=None, *args, team: Team, user: User, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.getlist("state") and "filtered" not in data:
            data.setlist("state", [State.NEW, State.OPEN, State.WAITING])
        if data is not None and not data.get("sort"):
            data["sort"] = "due_at"
        super().__init__(data, *args, **kwargs)
        self.user = user
        self.filters["category"].queryset = team.categories.all()

    def filter_states(self, queryset, name, value):
        return queryset.filter(state__in=value) if value else queryset

    def filter_who(self, queryset, name, value):
        if value == "mine":
            return queryset.filter(assignee=self.user)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True)
        return queryset

    def filter_clock(self, queryset, name, value):
        now = timezone.now()
        if value == "at_risk":
            return queryset.filter(risk_at__lte=now, due_at__gt=now)
        if value == "late":
            return queryset.filter(due_at__lte=now)
        if value == "paused":
            return queryset.filter(state=State.WAITING)
        return queryset

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset



class CollectionCaseForm(forms.Form):
    member = forms.EmailField(
        label=_("Member's e-mail"),
        error_messages={"required": _("Give the member's e-mail address.")},
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none())
    client_name = CleanCharField(label=_("Client"), max_length=200)
    invoice_number = CleanCharField(label=_("Invoice number"), max_length=50)
    amount = forms.DecimalField(
        label=_("Amount incl. VAT (EUR)"), max_digits=10, decimal_places=2, min_value=0.01
    )
    due_date = forms.DateField(label=_("Due date"), validators=[DATED],
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        if teams.count() == 1:
            self.fields["team"].initial = teams.first()

    def clean_member(self) -> User:
        email = self.cleaned_data["member"].lower()
        member = User.objects.filter(email=email, role="member").first()
        if member is None:
            raise ValidationError(_("No member has this e-mail address."))
        return member


class CollectionSettingsForm(forms.ModelForm):
    class Meta:
        model = CollectionSettings
        fields = ["reminder_1", "reminder_2", "formal_notice", "litigation", "tell_me_before"]
        widgets = {name: forms.RadioSelect for name in
                   ["reminder_1", "reminder_2", "formal_notice", "litigation"]}


SATISFACTION_COMMENT_MAX_CHARS = 2000


class SatisfactionForm(forms.Form):
    """How were you served? Five answers in words, and an optional comment for the team."""

    score = forms.TypedChoiceField(
        label=_("How were you served?"), coerce=int, widget=forms.RadioSelect,
        choices=[(value, format_lazy("{} – {}", value, label))
                 for value, label in reversed(Score.choices)],
        error_messages={"required": _("Choose one answer, from 1 to 5.")},
    )
    comment = CleanCharField(
        label=_("A comment for the team (optional)"), required=False,
        max_length=SATISFACTION_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SatisfactionQuestionForm(forms.Form):
    ask = forms.TypedChoiceField(
        label=_("When one of my requests closes"), coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Ask me how I was served")), ("no", _("Do not ask me"))],
    )

ARTICLES_PER_REPLY = 10


class SavedReplyForm(forms.Form):
    title = CleanCharField(
        label=_("Title"), max_length=150,
        help_text=_("What the team types in the picker to find it."),
    )
    body = CleanCharField(
        label=_("Text"), max_length=MESSAGE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Markdown. Filled in when inserted: {first_name} (the member's first name), "
            "{reference}, {team}, {agent_first_name} (yours), {promised_date} (the date "
            "still promised once the reply is sent: the resolution's)."
        ),
    )
    scope = forms.ChoiceField(label=_("For"), required=False)
    articles = CleanCharField(
        label=_("Linked articles"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The address of a published article of the knowledge base, one a line "
            "(at most %(count)d): its link is added under the text."
        ) % {"count": ARTICLES_PER_REPLY},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in teams}
        self.fields["scope"].choices = [("", _("Only me"))] + [
            (pk, _("The %(team)s team") % {"team": team.name}) for pk, team in self.teams.items()
        ]

    def clean_scope(self):
        return self.teams.get(self.cleaned_data["scope"])

    def clean_articles(self):
        from kb.models import Article, ArticleState  # kb builds on helpdesk

        slugs = []
        for line in self.cleaned_data["articles"].splitlines():
            line = line.strip().rstrip("/")
            if line:
                slugs.append(line.rsplit("/", 1)[-1])
        if len(slugs) > ARTICLES_PER_REPLY:
            raise ValidationError(
                _("At most %(count)d articles.") % {"count": ARTICLES_PER_REPLY}
            )
        found = {a.slug: a for a in Article.objects.filter(
            slug__in=slugs, state=ArticleState.PUBLISHED
        ).only("pk", "slug", "title")}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise ValidationError(
                _("No published article at: %(addresses)s.")
                % {"addresses": ", ".join(missing)}
            )
        return [found[slug] for slug in dict.fromkeys(slugs)]


class RecordForm(forms.Form):
    """A request taken on a member's behalf: by phone, by e-mail, at the counter."""

    member = forms.EmailField(
        label=_("The member's e-mail address"), max_length=254,
        help_text=_("She becomes the requester: she is told and finds it in her requests."),
        error_messages={"required": _("Give the e-mail address of the member.")},
    )
    channel = forms.ChoiceField(
        label=_("How it came in"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Channel.choices if value != Channel.WEB],
        error_messages={"required": _("Say how the request came in.")},
    )
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(),
        empty_label=_("Choose the category"),
        error_messages={"required": _("Choose what the request is about.")},
    )
    subject = CleanCharField(label=_("Subject"), max_length=200)
    body = CleanCharField(
        label=_("What the member asks"), max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The member reads it as her request: write it for her."),
    )
    files = MultipleFileField(label=_("Attachments"))
    key = form_key_field()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the categories of the teams this agent works for.
        self.fields["category"].queryset = Category.objects.filter(
            is_active=True, team__in=user.team_ids()
        ).select_related("team")
        self.fields["files"].help_text = attachment_help()

    def clean_member(self) -> User:
        email = self.cleaned_data["member"]
        member = User.objects.filter(
            email__iexact=email, role=Role.MEMBER, is_active=True
        ).first()
        if member is None:
            raise ValidationError(_("No member has this e-mail address."))
        return member


class CategoryForm(forms.Form):
    """Another category of the request's own team (another team's is a transfer)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label=_("New category in this team"), queryset=Category.objects.none(),
        empty_label=_("Choose the category"),
        error_messages={"required": _("Choose the new category.")},
    )
    reason = reason_field(_("Why (the member reads this)"), _("Say why the category changes."))

    def __init__(self, *args, ticket: Ticket, **kwargs):
        kwargs.setdefault("auto_id", "recategorise_%s")  # beside the transfer form's fields
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            team=ticket.team_id, is_active=True
        ).exclude(pk=ticket.category_id)


class ReferenceField(forms.CharField):
    """A request named by its reference (D-2026-00012) or its number, as agents say it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        match = REFERENCE_RE.match(value)
        number = match.group(2) if match else value.lstrip("#")
        if not number.isdecimal() or len(number) > 12:  # not isdigit: "²" is a digit
            raise ValidationError(_("Give a request's reference, such as D-2026-00012."))
        return int(number)


class OtherRequestForm(forms.Form):
    """Another request, by its reference, that this agent may open."""

    other = ReferenceField(
        label=_("The other request"), help_text=_("Its reference, such as D-2026-00012."),
        error_messages={"required": _("Give the reference of the other request.")},
    )

    def __init__(self, *args, user: User, ticket: Ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.ticket = user, ticket

    def clean_other(self) -> Ticket:
        pk = self.cleaned_data["other"]
        other = Ticket.objects.visible_to(self.user).filter(pk=pk).first()
        if other is None:
            raise ValidationError(_("No request with this reference that you can open."))
        if other.pk == self.ticket.pk:
            raise ValidationError(_("That is this request itself."))
        return other


class MergeForm(OtherRequestForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = reason_field(_("A word for the member (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].label = _("The request to keep")


class TeamAssignmentForm(forms.Form):
    """How the team's new requests find their handler: set by its lead."""

    assignment = forms.ChoiceField(
        label=_("New requests"), choices=Assignment.choices, widget=forms.RadioSelect
    )
    agent_capacity = forms.IntegerField(
        label=_("Open requests per agent at most"), required=False, min_value=1,
        max_value=999,
        help_text=_("Agents who hold this many open requests get no more automatically. "
                    "Empty: no limit."),
    )


class AbsenceForm(forms.Form):
    """An absence (advisor or agent): the dates and who covers; a lead also sets the
    agent's capacity."""

    away_from = forms.DateField(
        label=_("Away from"), required=False, validators=[DATED],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    away_until = forms.DateField(
        label=_("Back after"), required=False, validators=[DATED],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The last day away. Empty: until further notice."),
    )
    backup = forms.ModelChoiceField(
        label=_("Colleague who takes over"), queryset=User.objects.none(), required=False,
        empty_label=_("Nobody: back to the team's queue"),
    )
    capacity = forms.IntegerField(
        label=_("Open requests at most"), required=False, min_value=1, max_value=999,
        help_text=_("Automatic assignment gives no more requests beyond this. Empty: the "
                    "team's limit."),
    )

    def __init__(self, *args, backups, with_capacity: bool, advisor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["backup"].queryset = backups
        if advisor:
            self.fields["backup"].label = _("Advisor who covers your members")
            self.fields["backup"].empty_label = _("Nobody")
        if not with_capacity:
            del self.fields["capacity"]

    def clean(self):
        data = super().clean()
        start, end = data.get("away_from"), data.get("away_until")
        if end and not start:
            self.add_error("away_from", _("Say when the absence starts."))
        elif start and end and end < start:
            self.add_error("away_until", _("The absence must end after it starts."))
        return data


class WatcherForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"), max_length=254,
        help_text=_("The address they log in to Coopdesk with."),
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].strip().lower()
        person = User.objects.filter(email=email, is_active=True).first()
        if person is None:
            raise ValidationError(_("Nobody in the cooperative logs in with this address."))
        return person
