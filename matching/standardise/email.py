"""E-mail address normalisation with a deliberately basic syntax check.

Full RFC 5322 validation accepts addresses no real mailbox uses (quoted local parts,
comments) and still cannot tell whether the mailbox exists, so we only reject what is
clearly broken.
"""

from matching.standardise.identifiers import IdentifierCheck

__all__ = ["check_email"]

_FORBIDDEN = frozenset('()<>[]:;,"\\')


def _bad(value: str, reason: str) -> IdentifierCheck:
    return IdentifierCheck("email", value, False, reason)


def check_email(raw: str | None) -> IdentifierCheck:
    """Trim and lowercase an e-mail address and check its basic shape.

    The whole address is lowercased, not just the domain: RFC 5321 lets the local part be
    case-sensitive, but no mainstream provider treats it so, and the hub must see
    "J.Smith@x.org" and "j.smith@x.org" as the same person.

    >>> check_email("  Jane.Doe@Example.ORG ").value
    'jane.doe@example.org'
    >>> check_email("jane.doe@example").reason
    'domain has no dot'
    """
    value = (raw or "").strip().lower()
    if not value:
        return _bad(value, "e-mail address is empty")
    if any(char.isspace() for char in value):
        return _bad(value, "e-mail address contains whitespace")
    if value.count("@") != 1:
        return _bad(value, "e-mail address must contain exactly one @")
    local, domain = value.split("@")
    if not local:
        return _bad(value, "local part is empty")
    if len(local) > 64:
        return _bad(value, "local part is longer than 64 characters")
    if len(value) > 254:
        return _bad(value, "e-mail address is longer than 254 characters")
    if any(char in _FORBIDDEN for char in value):
        return _bad(value, "e-mail address contains a forbidden character")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return _bad(value, "local part has a misplaced dot")
    if "." not in domain:
        return _bad(value, "domain has no dot")
    labels = domain.split(".")
    if any(not label for label in labels):
        return _bad(value, "domain has an empty label")
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return _bad(value, "domain label starts or ends with a hyphen")
    if labels[-1].isdigit():
        return _bad(value, "top-level domain is numeric")
    return IdentifierCheck("email", value, True, None)
