"""The SMS / WhatsApp providers notify can send through (see `base` for what each promises)."""

from __future__ import annotations

from notify.providers.africastalking import AfricasTalkingProvider
from notify.providers.base import Provider
from notify.providers.log import LogProvider
from notify.providers.twilio import TwilioProvider
from notify.settings import Settings, revealed


def build_providers(settings: Settings) -> dict[str, Provider]:
    """The providers by name: `log` always, the others when their credentials are set."""
    providers: dict[str, Provider] = {"log": LogProvider()}
    if settings.twilio_account_sid and revealed(settings.twilio_auth_token):
        providers["twilio"] = TwilioProvider(settings)
    if settings.africastalking_username and revealed(settings.africastalking_api_key):
        providers["africastalking"] = AfricasTalkingProvider(settings)
    return providers
