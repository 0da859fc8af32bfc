from __future__ import annotations

import pytest

from mdm.config import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # Test receivers listen on loopback, which the hub refuses unless an operator allows it.
    return settings.model_copy(update={"webhook_allow_networks": "127.0.0.0/8,::1/128"})
