"""The example policies in docs/survivorship.md load and have no problems for their domain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survivorship import DEFAULT_DOMAINS, SurvivorshipPolicy
from survivorship.defaults import DOMAIN_ATTRIBUTES

DOC = Path(__file__).resolve().parents[2] / "docs" / "survivorship.md"
_BLOCKS = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
EXAMPLES = [block for block in _BLOCKS if '"domain"' in block]


def test_there_is_one_example_per_domain() -> None:
    domains = [SurvivorshipPolicy.model_validate_json(text).domain for text in EXAMPLES]

    assert sorted(domains) == sorted(DEFAULT_DOMAINS)


@pytest.mark.parametrize("text", EXAMPLES, ids=lambda t: t.split('"version": "')[1].split('"')[0])
def test_example_policy_has_no_problems(text: str) -> None:
    policy = SurvivorshipPolicy.model_validate_json(text)

    assert policy.problems(DOMAIN_ATTRIBUTES[policy.domain]) == []
