from django.contrib.auth.forms import PasswordResetForm

from notifications.services import password_reset_email


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form (the same users found, the same answer whether or not
    the address is known), but the email goes through the outbox, so a dead
    worker or broker delays it and never loses it."""

    def save(self, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            password_reset_email(user=user)
