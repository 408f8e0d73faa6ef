import factory
from django.contrib.auth.models import Permission

from accounts.models import User

PASSWORD = "correct horse 42"  # every factory-made user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="th_TH")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.th")
    preferred_language = "th"
    password = factory.django.Password(PASSWORD)


def central_staff() -> User:
    """Central staff: the superuser at the centre who opens rounds, appoints
    committees and assigns officers. One per test, made on first use; the
    ``central_staff`` fixture (tests/roles.py) is this user."""
    user, _ = User.objects.get_or_create(
        username="central-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def staff_with(codename: str, username: str) -> User:
    """A staff user holding one permission and nothing else (the ``publisher``
    fixture is ``staff_with("publish_entry", "registrar")``)."""
    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache
