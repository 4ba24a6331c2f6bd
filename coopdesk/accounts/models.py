"""People of the cooperative: members, advisors, agents, team leads, admins."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in, by e-mail. The role says which side of the desk they sit on."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    language = models.CharField(
        _("language"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)

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

    # Advisors: who covers for them, and when they are away.
    backup_advisor = models.ForeignKey(
        "self", verbose_name=_("backup advisor"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="covered_advisors",
        limit_choices_to={"role": Role.ADVISOR},
    )
    away_from = models.DateField(_("away from"), null=True, blank=True)
    away_until = models.DateField(_("away until"), null=True, blank=True)

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

    def is_away(self, on=None) -> bool:
        day = on or timezone.localdate()
        return bool(
            self.away_from
            and self.away_from <= day
            and (not self.away_until or day <= self.away_until)
        )

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

        Reads the advisors covered first (one small query): a list of ids lets the database
        use the members' advisor index, where the join to the advisors with an OR made
        PostgreSQL hash the whole user table twice per page.
        """
        return Q(**{f"{prefix}advisor_id__in": self.covering_advisor_ids()})

    def follows_member(self, member: User) -> bool:
        if not self.is_advisor or member.advisor_id is None:
            return False
        if member.advisor_id == self.pk:
            return True
        advisor = member.advisor
        return advisor.backup_advisor_id == self.pk and advisor.is_away()
