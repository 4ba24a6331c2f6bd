from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role, User
from coopdesk.forms import CleanCharField, IdsField, StepForm
from coopdesk.rendering import ARTICLE_MAX_CHARS
from coopdesk.validators import DATED
from helpdesk.models import Category
from journeys.models import Stage
from kb.models import Article, Audience, AuthorShownAs, Language, Topic, audiences_for


class CategoryChoices(IdsField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.team.name} — {obj.label}"


class ArticleForm(forms.Form):
    """Writing or editing an article. Staff also set who keeps it current and where it helps."""

    title = CleanCharField(
        label=_("Title"), max_length=200,
        help_text=_("The question it answers, in members' words: “How do I send a quote?”"),
    )
    summary = CleanCharField(
        label=_("Summary"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences, shown in lists and search results."),
    )
    body = CleanCharField(
        label=_("Text"), max_length=ARTICLE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Step by step. Markdown: ## a title, - a list item, **bold**."),
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.all(), required=False,
        empty_label=_("Choose a topic"),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial="fr")
    audience = forms.ChoiceField(label=_("Who can read it"), choices=Audience.choices,
                                 initial=Audience.MEMBERS)
    tags = CleanCharField(
        label=_("Tags"), required=False, max_length=300,
        help_text=_("A few words, separated by commas."),
    )
    categories = CategoryChoices(
        label=_("Show it to members opening a request in"), required=False,
        queryset=Category.objects.filter(is_active=True).select_related("team"),
        widget=forms.CheckboxSelectMultiple,
    )
    stages = forms.MultipleChoiceField(
        label=_("Helps at these steps of the onboarding path"), required=False,
        choices=Stage.choices, widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("Kept up to date by"), required=False,
        queryset=User.objects.filter(is_active=True, role__in=[Role.AGENT, Role.LEAD, Role.ADMIN]),
    )
    review_by = forms.DateField(
        label=_("Check again by"), required=False, validators=[DATED],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = CleanCharField(
        label=_("What changed (readers see it)"), required=False, max_length=300,
    )
    author_shown_as = forms.ChoiceField(
        label=_("Show me to readers as"), choices=AuthorShownAs.choices, required=False,
        initial=AuthorShownAs.FIRST_NAME, widget=forms.RadioSelect,
        help_text=_("A public tutorial can be read by anyone, without logging in."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    STAFF_ONLY = ("categories", "stages", "owner", "review_by")

    def __init__(self, *args, user: User, article: Article | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = audiences_for(user)
        self.fields["audience"].choices = [c for c in Audience.choices if c[0] in allowed]
        if not user.is_support_staff:
            for name in self.STAFF_ONLY:
                del self.fields[name]
        if article is None or not article.is_published:
            del self.fields["note"]
        if article is not None:  # an edit says which version it changes: no silent overwrite
            self.fields["version"].required = True
        # Members choose how they are named; staff sign with their name, and nobody chooses
        # for another author.
        author = article.author if article else user
        if author.role != Role.MEMBER or author.pk != user.pk:
            del self.fields["author_shown_as"]

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        return {
            "title": article.title, "summary": article.summary, "body": article.body,
            "topic": article.topic_id, "language": article.language,
            "audience": article.audience,
            "tags": ", ".join(t.name for t in article.tags.all()),
            "categories": list(article.helpdesk_categories.values_list("pk", flat=True)),
            "stages": list(article.stages.values_list("stage", flat=True)),
            "owner": article.owner_id, "review_by": article.review_by,
            "author_shown_as": article.author_shown_as, "version": article.version,
        }

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("note", None)
        if not data.get("author_shown_as"):
            data.pop("author_shown_as", None)  # not chosen: the article keeps its choice
        data["tags"] = [t for t in data.get("tags", "").split(",") if t.strip()]
        return data


class CommentForm(forms.Form):
    body = CleanCharField(
        label=_("Your comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment before sending.")},
    )


class ChangesForm(StepForm):
    """A reviewer sends the text back: what to change is the whole message, so it is
    required here, with the error under the box (the action refuses a blank note too)."""

    note = CleanCharField(
        label=_("What should the author change?"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what should change: the author reads it.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        # Ids of its own: the panel's buttons already carry the step form's "id_version".
        kwargs.setdefault("auto_id", "changes-%s")
        super().__init__(*args, **kwargs)


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Your answer"), choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no.")},
    )
    comment = CleanCharField(
        label=_("What was missing or unclear? (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, article: Article) -> dict:
        """The reader's own answer, offered back so they can change it (read with the
        article: `with_page_flags`)."""
        helpful = getattr(article, "my_helpful", None)
        if helpful is None:
            return {}
        return {"helpful": "yes" if helpful else "no",
                "comment": getattr(article, "my_feedback_comment", "") or ""}


class DeflectionForm(forms.Form):
    article = forms.IntegerField(widget=forms.HiddenInput)
    query = CleanCharField(required=False, max_length=2000, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, widget=forms.HiddenInput
    )


class GuideAnswerForm(forms.Form):
    at = forms.IntegerField(widget=forms.HiddenInput)
    choice = forms.IntegerField()
