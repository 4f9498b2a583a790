from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower

from ..validators import validate_email_characters


class UserManager(DjangoUserManager):
    """Email is the login: there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True, validators=[validate_email_characters])
    # The interface language she chose (portal.i18n); blank until she chooses one.
    language = models.CharField("language", max_length=16, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="portal_user_email_ci_unique")]
        # Lists of staff (nurses and administrators) find the few administrators by index.
        indexes = [models.Index(fields=["id"], condition=models.Q(is_superuser=True), name="portal_user_superuser_idx")]

    def __str__(self) -> str:
        return f"user #{self.pk}"

    @property
    def display_name(self) -> str:
        """How staff pages and timelines name a person: her full name, or her email address if she gave none."""
        return self.get_full_name() or self.email
