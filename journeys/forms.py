from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.models import Role, Sector, User
from coopdesk.accounts.validators import validate_phone
from coopdesk.forms import CleanCharField, IdsField
from coopdesk.rendering import NOTE_MAX_CHARS
from coopdesk.validators import DATED, PLANNED
from helpdesk.forms import attachment_help
from journeys.models import (
    REENTRY_STAGES,
    ExitReason,
    InfoMeeting,
    Journey,
    JourneyTask,
    MentorOffer,
    PathTemplate,
    Registration,
    Stage,
    cape_period_error,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class VersionForm(forms.Form):
    """Every step form carries the journey's version: a stale page gets a 409, not a surprise."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class AdvanceForm(VersionForm):
    note = CleanCharField(label=_("Note"), required=False, max_length=NOTE_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 2}))


class CapeForm(VersionForm):
    start = forms.DateField(label=_("Start of the CAPE"), widget=DateInput, validators=[DATED])
    end = forms.DateField(
        label=_("End of the CAPE"), widget=DateInput, validators=[DATED],
        help_text=_("One to six months after the start; it can be renewed."),
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            error = cape_period_error(data["start"], data["end"])
            if error:
                self.add_error("end", error)
        return data


class RenewCapeForm(VersionForm):
    end = forms.DateField(
        label=_("New end of the CAPE"), widget=DateInput, validators=[DATED],
        help_text=_("One to six months after the current end."),
    )

    def __init__(self, *args, journey: Journey, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey = journey

    def clean_end(self):
        end = self.cleaned_data["end"]
        if self.journey.cape_end:
            error = cape_period_error(self.journey.cape_end + timedelta(days=1), end)
            if error:
                raise ValidationError(error)
        return end


class SalariedForm(VersionForm):
    start = forms.DateField(label=_("Start of the salaried contract"), widget=DateInput,
                            validators=[DATED])

    def __init__(self, *args, journey: Journey, **kwargs):
        super().__init__(*args, **kwargs)
        self.journey = journey

    def clean_start(self):
        start = self.cleaned_data["start"]
        if self.journey.cape_start and start <= self.journey.cape_start:
            raise ValidationError(
                _("The salaried contract starts after the CAPE, which started on %(day)s.")
                % {"day": date_format(self.journey.cape_start)}
            )
        return start


class MembershipForm(VersionForm):
    on = forms.DateField(label=_("Associate since"), widget=DateInput, validators=[DATED])


class ExitForm(VersionForm):
    reason = forms.ChoiceField(label=_("Why is the member leaving?"), choices=ExitReason.choices)
    note = CleanCharField(label=_("Note"), required=False, max_length=NOTE_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SwitchPathForm(VersionForm):
    path = forms.ModelChoiceField(label=_("New path"), queryset=PathTemplate.objects.none(),
                                  empty_label=None)
    note = CleanCharField(label=_("Why (the member reads this)"), required=False,
                           max_length=NOTE_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, journey: Journey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["path"].queryset = PathTemplate.objects.active().exclude(pk=journey.path_id)


class ReentryForm(forms.Form):
    path = forms.ModelChoiceField(label=_("Path"), queryset=PathTemplate.objects.active(),
                                  empty_label=None)
    stage = forms.ChoiceField(
        label=_("Start again at"),
        choices=[(kind.value, kind.label) for kind in REENTRY_STAGES],
        initial=Stage.DIAGNOSIS,
    )


class MentorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        parts = [obj.get_full_name(), obj.get_sector_display() or "", str(obj.office or "")]
        return " · ".join(part for part in parts if part)


class MentorForm(forms.Form):
    mentor = MentorChoiceField(label=_("Mentor"), queryset=User.objects.none(),
                               empty_label=_("Choose a volunteer"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = candidates


class AdaptationForm(forms.Form):
    message = CleanCharField(
        label=_("What has changed in your activity?"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your advisor reads it and adapts your path with you."),
        error_messages={"required": _("Tell your advisor what changed.")},
    )


class TaskDoneForm(forms.Form):
    document = forms.FileField(label=_("Document"), required=False)

    def __init__(self, *args, task: JourneyTask, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task
        field = self.fields["document"]
        field.widget.attrs["accept"] = ",".join(sorted(settings.ATTACHMENT_CONTENT_TYPES))
        if task.required_document:
            field.label = task.required_document
            field.required = not task.document
            field.help_text = attachment_help()

    def clean_document(self):
        from helpdesk.actions import validate_upload

        document = self.cleaned_data.get("document")
        if document:
            validate_upload(document)
        return document


def at_most(field: forms.CharField, limit: int) -> None:
    """A model's TextField has no length: the form gives it one, stated in the page."""
    field.max_length = limit
    field.validators.append(MaxLengthValidator(limit))
    field.widget.attrs.update(field.widget_attrs(field.widget))


class MentorOfferForm(forms.ModelForm):
    class Meta:
        model = MentorOffer
        fields = ["is_active", "note", "max_mentees"]
        field_classes = {"note": CleanCharField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        at_most(self.fields["note"], NOTE_MAX_CHARS)

    def clean_max_mentees(self):
        value = self.cleaned_data["max_mentees"]
        if not 1 <= value <= 10:
            raise ValidationError(_("Between 1 and 10."))
        return value


class MeetingForm(forms.ModelForm):
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https",
                               max_length=200)

    class Meta:
        model = InfoMeeting
        fields = ["title", "starts_at", "duration_minutes", "place", "video_url", "capacity",
                  "office", "description"]
        field_classes = {"title": CleanCharField, "place": CleanCharField,
                         "description": CleanCharField}
        widgets = {"starts_at": DateTimeInput, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        at_most(self.fields["description"], NOTE_MAX_CHARS)
        self.fields["starts_at"].validators.append(PLANNED)

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise ValidationError(_("Choose a date in the future."))
        return starts_at

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise ValidationError(_("At least one place."))
        return capacity


class AttendanceForm(forms.Form):
    present = IdsField(
        label=_("Who came?"), queryset=Registration.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, meeting: InfoMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        field.queryset = meeting.registrations.exclude(
            status=Registration.Status.CANCELLED
        ).select_related("journey__member")
        field.label_from_instance = lambda r: r.journey.member.get_full_name()


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput,
                                    validators=[PLANNED])
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), initial=60,
                                          min_value=15, max_value=240)
    place = CleanCharField(label=_("Place or video link"), max_length=200)

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at <= timezone.now():
            raise ValidationError(_("Choose a time in the future."))
        return starts_at


class HoldDiagnosisForm(forms.Form):
    summary = CleanCharField(
        label=_("Action plan agreed (the member reads it)"), max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write down the action plan you agreed on.")},
    )


class SignupForm(forms.Form):
    """The public sign-up for prospects. Checked like a login form: nothing is trusted."""

    first_name = CleanCharField(label=_("First name"), max_length=80,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = CleanCharField(label=_("Last name"), max_length=80,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = CleanCharField(label=_("Phone (optional)"), max_length=30, required=False,
                            validators=[validate_phone],
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    sector = forms.ChoiceField(label=_("Your activity"),
                               choices=[("", _("Choose your activity")), *Sector.choices])
    password = forms.CharField(
        label=_("Choose a password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits. You will log in with it."),
    )
    consent = forms.BooleanField(
        label=_("I agree that the cooperative keeps these details to organise my path."),
        error_messages={"required": _("We need your agreement to register you.")},
    )
    # A field people never see: robots filling every input give themselves away.
    website = CleanCharField(required=False, label=_("Leave this field empty"))

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        password = data.get("password")
        if password:
            probe = User(email=data.get("email", ""), first_name=data.get("first_name", ""),
                         last_name=data.get("last_name", ""), role=Role.MEMBER)
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password", error)
        return data

    @property
    def is_robot(self) -> bool:
        return bool(self.cleaned_data.get("website"))
