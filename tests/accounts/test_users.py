import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from accounts.models import User
from accounts.services import superuser_ensure, user_set_language
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_model_is_ours_and_made_in_the_first_migration():
    assert get_user_model() is User
    first = MigrationLoader(None).get_migration("accounts", "0001_initial")
    created = [op.name for op in first.operations if hasattr(op, "fields")]
    assert created == ["User"]


def test_a_new_user_reads_thai_by_default():
    user = User.objects.create_user(username="somchai", password="x")
    assert user.preferred_language == "th"


def test_the_display_name_is_how_the_portal_addresses_the_user():
    assert str(UserFactory(display_name="นายสมชาย ใจดี")) == "นายสมชาย ใจดี"
    assert str(UserFactory(display_name="", first_name="", username="kit")) == "kit"


def test_setting_an_unknown_language_is_refused():
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        user_set_language(user=user, language="xx")
    user.refresh_from_db()
    assert user.preferred_language == "th"


def test_a_first_superuser_is_created_once_with_a_printed_password():
    user, password = superuser_ensure()
    assert user.is_superuser and user.check_password(password)

    again, no_password = superuser_ensure()
    assert again == user and no_password is None
    assert User.objects.filter(is_superuser=True).count() == 1


def test_ensure_superuser_prints_the_login_only_when_it_creates_one():
    first, second = io.StringIO(), io.StringIO()
    call_command("ensure_superuser", stdout=first)
    call_command("ensure_superuser", stdout=second)

    assert "username: admin" in first.getvalue()
    assert "password:" in first.getvalue()
    assert "password:" not in second.getvalue()
    assert "already exists" in second.getvalue()
