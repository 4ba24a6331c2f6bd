"""People of the cooperative: members, advisors, agents, team leads, admins."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coopdesk.accounts.validators import validate_phone


class Office(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    ADVISOR = "advisor", _("Advisor")
    AGENT = "agent", _("Support agent")
    LEAD = "lead", _("Team lead")
    ADMIN = "admin", _("Administrator")


class Sector(models.TextChoices):
    PERSONAL_SERVICES = "sap", _("Personal services")
    ARTS = "arts", _("Arts and culture")
    CRAFTS = "crafts", _("Crafts")
    CONSULTING = "consulting", _("Consulting and training")
    BUILDING = "building", _("Building trades")
    DIGITAL = "digital", _("Digital and communication")
    TRADE = "trade", _("Trade")
    OTHER = "other", _("Other")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self.create_user(email, password, **fields)

    def members(self):
        return self.filter(role=Role.MEMBER)

    def advisors(self):
        return self.filter(role=Role.ADVISOR)

    def administrators(self):
        """The query form of `User.is_administrator`."""
        return self.filter(
            Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True, is_staff=True
        )

    def in_team(self, team_id: int):
        """The team's own people: its active agents and leads (who get its tasks' reminders;
        admins may act for any team, but are not reminded of every team's work)."""
        return self.filter(
            teams=team_id, is_active=True, role__in=[Role.AGENT, Role.LEAD]
        ).distinct()

    def working_for_team(self, team_id: int):
        """Who works for this team: its agents and leads, and admins (the inverse of
        `User.works_for_team`)."""
        return self.filter(Q(role=Role.ADMIN) | Q(teams=team_id), is_active=True).filter(
            role__in=[Role.AGENT, Role.LEAD, Role.ADMIN]
        ).distinct()  # an admin who also joined teams is one person


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in, by e-mail. The role says which side of the desk they sit on."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(
        _("language"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_phone])

    # Members
    advisor = models.ForeignKey(
        "self", verbose_name=_("advisor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="advised_members", limit_choices_to={"role": Role.ADVISOR},
    )
    mentor = models.ForeignKey(
        "self", verbose_name=_("mentor"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mentees", limit_choices_to={"role": Role.MEMBER},
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="people",
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True)

    # Absences, one model for advisors and agents: when they are away and who covers. An
    # advisor's backup follows their members; an agent's takes over their open requests
    # (helpdesk.actions.hand_over_absent), or, without one, the team's queue does.
    backup_advisor = models.ForeignKey(
        "self", verbose_name=_("backup colleague"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="covered_advisors",
        limit_choices_to={"role__in": [Role.ADVISOR, Role.AGENT, Role.LEAD, Role.ADMIN]},
        help_text=_("Covers the absence: an advisor's members, or an agent's open requests."),
    )
    away_from = models.DateField(_("away from"), null=True, blank=True)
    away_until = models.DateField(_("away until"), null=True, blank=True)
    # Agents: the open requests they may hold before automatic assignment passes them by
    # (empty: their team's limit, if any).
    capacity = models.PositiveSmallIntegerField(
        _("open requests at most"), null=True, blank=True,
        help_text=_("Automatic assignment gives no more requests beyond this. Empty: the "
                    "team's limit."),
    )

    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False,
        help_text=_("Can log in to the configuration screens."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name"]

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["role", "advisor"])]

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # The address it logs in with is an allauth EmailAddress: a rule of the account
        # itself, kept here rather than in a signal (fixtures' raw saves skip it).
        fields = kwargs.get("update_fields")
        if fields is None or "email" in fields:
            from coopdesk.accounts.addresses import record_login_address

            record_login_address(self)

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def is_member(self) -> bool:
        return self.role == Role.MEMBER

    @property
    def is_advisor(self) -> bool:
        return self.role == Role.ADVISOR

    @property
    def is_support_staff(self) -> bool:
        """Agents, team leads and admins work the team queues."""
        return self.role in {Role.AGENT, Role.LEAD, Role.ADMIN}

    @property
    def is_administrator(self) -> bool:
        """Runs the cooperative from the admin site: its configuration log, and the erasures
        people ask for (`UserManager.administrators` is the query form)."""
        return self.is_active and self.is_staff and (
            self.is_superuser or self.role == Role.ADMIN
        )

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.away_from and self.away_until and self.away_until < self.away_from:
            errors["away_until"] = _("The absence must end after it starts.")
        backup = self.backup_advisor
        if backup is not None:
            if backup.pk == self.pk:
                errors["backup_advisor"] = _("Someone else covers the absence.")
            elif self.is_advisor and not backup.is_advisor:
                errors["backup_advisor"] = _("An advisor is covered by another advisor.")
            elif self.is_support_staff and not backup.is_support_staff:
                errors["backup_advisor"] = _("An agent is covered by a colleague of the teams.")
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def away_q(day) -> Q:
        """The people away on that day (the query form of `is_away`)."""
        return Q(away_from__lte=day) & (Q(away_until__isnull=True) | Q(away_until__gte=day))

    def is_away(self, on=None) -> bool:
        day = on or timezone.localdate()
        return bool(
            self.away_from
            and self.away_from <= day
            and (not self.away_until or day <= self.away_until)
        )

    # --- access rules: the one home for "follows this member" and "works for this team" ---
    # Pages, the live socket, notify and the outbox all ask these.

    def away_advisors_covered(self, on=None):
        """The away advisors this advisor covers on that day (today by default)."""
        day = on or timezone.localdate()
        return User.objects.filter(
            Q(away_until__isnull=True) | Q(away_until__gte=day),
            backup_advisor=self, away_from__lte=day,
        )

    def covering_advisor_ids(self, on=None) -> list[int]:
        """The advisors whose members this advisor follows: themself and those they cover."""
        return [self.pk, *self.away_advisors_covered(on).values_list("pk", flat=True)]

    def followed_members_q(self, prefix: str = "") -> Q:
        """Members this advisor follows: their own, plus those of away advisors they cover.

        A list of advisor ids (one small query) lets the database use the members' advisor
        index rather than join the user table to itself.
        """
        return Q(**{f"{prefix}advisor_id__in": self.covering_advisor_ids()})

    def followed_members(self):
        """The members I follow or cover (none for anyone but an advisor)."""
        return User.objects.filter(self.followed_members_q())

    def follows_member(self, member: User) -> bool:
        if not self.is_advisor or member.advisor_id is None:
            return False
        if member.advisor_id == self.pk:
            return True
        advisor = member.advisor
        return advisor.backup_advisor_id == self.pk and advisor.is_away()

    def following_advisors(self) -> list[User]:
        """For a member: the advisors who follow them today (see `following_advisor_ids`)."""
        if self.advisor_id is None:
            return []
        advisor = self.advisor
        if advisor.backup_advisor_id and advisor.is_away():
            return [advisor, advisor.backup_advisor]
        return [advisor]

    def following_advisor_ids(self) -> set[int]:
        """For a member: the advisors who follow them today, their own and the backup
        covering them while their advisor is away (the reverse of `follows_member`)."""
        if self.advisor_id is None:
            return set()
        advisor = self.advisor
        ids = {advisor.pk}
        if advisor.backup_advisor_id and advisor.is_away():
            ids.add(advisor.backup_advisor_id)
        return ids

    def team_ids(self):
        """The teams I work for, as a subquery of ids: an agent's or lead's teams, every
        team for an admin, none for anyone else."""
        teams = self.teams.model.objects
        if not (self.is_active and self.is_support_staff):
            return teams.none().values("pk")
        if self.role == Role.ADMIN:
            return teams.values("pk")
        return teams.filter(agents=self).values("pk")

    def works_for_team(self, team_id: int | None) -> bool:
        """Handles the requests, cases and tasks of this team (its agents, and admins)."""
        if team_id is None or not (self.is_active and self.is_support_staff):
            return False
        return self.role == Role.ADMIN or self.teams.filter(pk=team_id).exists()
