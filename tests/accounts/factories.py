import factory

from accounts.models import User
from tests.conftest import PASSWORD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="th_TH")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.go.th")
    preferred_language = "th"
    password = factory.django.Password(PASSWORD)
