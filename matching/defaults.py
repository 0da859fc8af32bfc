"""Default match settings for the seven domains, before the hub has trained on its own data.

The ``m`` and ``u`` here are priors from experience with US healthcare master data; ``mdm match
train`` replaces them with estimates from the hub's records. The weights they give (log2 m/u)
are what a steward sees in explanations, e.g. exact birth date +10.8, surname exact +6.4.

Reference data (cost centers, payers) is matched mostly on identifiers; people and
organisations on fuzzy evidence as well. Evidence that many different things share (a group
practice's phone and address, a household's surname) is frequency-adjusted or weak.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Literal

from matching.settings import (
    BlockingRule,
    Comparison,
    FeatureSpec,
    Level,
    LevelKind,
    MatchSettings,
    Thresholds,
)

# Weights are log2 odds: auto-merge at +12 means odds of about 4,000 to 1 once the prior is
# included; below 0 the pair is more likely different than the same.
AUTO_MATCH = 12.0
REVIEW = 4.0


def _f(
    name: str,
    attribute: str,
    transform: str = "upper",
    *,
    valid_only: bool = False,
    sensitive: bool = False,
    combine: Literal["ordered", "sorted"] = "ordered",
) -> FeatureSpec:
    return FeatureSpec(
        name=name,
        attribute=attribute,
        transform=transform,
        valid_only=valid_only,
        sensitive=sensitive,
        combine=combine,
    )


def _name_order_features() -> tuple[FeatureSpec, ...]:
    return (
        # Given name and surname in their order, and as an unordered pair for blocking: a form
        # filled in the wrong boxes still meets its other records.
        _f("name_pair", "first_name+last_name", "alnum"),
        _f("name_set", "first_name+last_name", "nysiis", combine="sorted"),
    )


def _names_swapped() -> Comparison:
    # Only the swap itself weighs: when the names are in the same order, the surname and given
    # name comparisons already said everything.
    return Comparison(
        name="names_swapped",
        feature="name_pair",
        levels=(
            _lv("swapped", "swapped", 0.02, 0.000002),
            _lv("swapped, jaro_winkler>=0.9", "swapped", 0.01, 0.00001, 0.9),
            _lv("else", "else", 0.97, 0.999988),
        ),
    )


def _lv(
    label: str,
    kind: LevelKind,
    m: float,
    u: float,
    threshold: float | None = None,
    *,
    tf: bool = False,
) -> Level:
    return Level(label=label, kind=kind, threshold=threshold, m=m, u=u, tf_adjust=tf)


def _block(name: str, *features: str) -> BlockingRule:
    return BlockingRule(name=name, features=features)


def _exact_only(
    name: str, feature: str, m: float, u: float, m_else: float, *, tf: bool = False
) -> Comparison:
    return Comparison(
        name=name,
        feature=feature,
        levels=(_lv("exact", "exact", m, u, tf=tf), _lv("else", "else", m_else, 1 - u)),
    )


def _changes_over_a_life(*comparisons: Comparison) -> tuple[Comparison, ...]:
    # What a person changes or is known by differently over a life (a surname at marriage, a
    # given name for a preferred one, a home address, phone, email or job): disagreeing there
    # is weak evidence against a match, never the contrary evidence that keeps two clusters
    # apart. A birth date, an SSN and a suffix do not change.
    return tuple(c.model_copy(update={"contradicts": False}) for c in comparisons)


def _identifier(name: str, feature: str) -> Comparison:
    # A valid identifier almost never collides by chance; a different one is strong evidence
    # against (and, for cannot-link features, a hard rule anyway).
    return _exact_only(name, feature, 0.95, 1e-5, 0.05)


def _surname(feature: str) -> Comparison:
    return Comparison(
        name="last_name",
        feature=feature,
        levels=(
            _lv("exact", "exact", 0.86, 0.004, tf=True),
            _lv("jaro_winkler>=0.94", "jaro_winkler", 0.07, 0.002, 0.94),
            _lv("jaro_winkler>=0.85", "jaro_winkler", 0.03, 0.02, 0.85),
            _lv("else", "else", 0.04, 0.974),
        ),
    )


def _given_name(feature: str) -> Comparison:
    # Compared on the formal forms: "Bill" and "William" share WILLIAM and agree exactly.
    return Comparison(
        name="first_name",
        feature=feature,
        levels=(
            _lv("exact or nickname", "exact", 0.88, 0.015, tf=True),
            _lv("jaro_winkler>=0.92", "jaro_winkler", 0.05, 0.005, 0.92),
            _lv("jaro_winkler>=0.85", "jaro_winkler", 0.02, 0.01, 0.85),
            _lv("initial", "initial", 0.02, 0.03),
            _lv("else", "else", 0.03, 0.945),
        ),
    )


def _birth_date(feature: str) -> Comparison:
    return Comparison(
        name="birth_date",
        feature=feature,
        levels=(
            _lv("exact", "exact", 0.90, 0.00006),
            _lv("transposed or one digit", "date_transposed", 0.06, 0.0008),
            _lv("same year", "date_same_year", 0.01, 0.012),
            _lv("else", "else", 0.03, 0.987),
        ),
    )


def _middle_initial(feature: str) -> Comparison:
    return _exact_only("middle_initial", feature, 0.85, 0.08, 0.15)


def _suffix(feature: str, *, m_differs: float = 0.02) -> Comparison:
    # JR against SR at one address is a father and son: a different suffix weighs heavily.
    return _exact_only("name_suffix", feature, 1 - m_differs, 0.5, m_differs)


def _phone(*, m: float = 0.55, u: float = 0.0005) -> Comparison:
    # A group practice shares one phone: term frequencies make a common number weak evidence.
    return _exact_only("phone", "phone", m, u, 1 - m, tf=True)


def _organisation_name(name: str, feature: str, *, subset_matches: bool) -> Comparison:
    """Organisation names. ``subset_matches``: whether one name inside the other is strong
    evidence ("CIGNA" and "CIGNA HEALTHCARE" are one payer), or not ("MAIN HOSPITAL" is not
    "MAIN HOSPITAL RADIOLOGY", its department)."""
    tokens: LevelKind = "token_set" if subset_matches else "token_sort"
    return Comparison(
        name=name,
        feature=feature,
        levels=(
            _lv("exact", "exact", 0.70, 0.0005, tf=True),
            _lv(f"{tokens}>=0.90", tokens, 0.15, 0.002, 0.90),
            _lv("jaro_winkler>=0.90", "jaro_winkler", 0.05, 0.01, 0.90),
            _lv("token_set>=0.70", "token_set", 0.06, 0.05, 0.70),
            _lv("else", "else", 0.04, 0.9375),
        ),
    )


def _address() -> tuple[tuple[FeatureSpec, ...], tuple[Comparison, ...]]:
    features = (
        _f("street", "address.line1", "street"),
        _f("zip", "address.zip", "zip5"),
    )
    comparisons = (
        Comparison(
            name="street",
            feature="street",
            levels=(
                _lv("exact", "exact", 0.75, 0.0005, tf=True),
                _lv("token_set>=0.85", "token_set", 0.12, 0.002, 0.85),
                _lv("else", "else", 0.13, 0.9975),
            ),
        ),
        _exact_only("zip", "zip", 0.88, 0.01, 0.12),
    )
    return features, comparisons


def provider() -> MatchSettings:
    return MatchSettings(
        domain="provider",
        version="provider-default-1",
        description="Clinicians: NPI is decisive and a cannot-link; names, birth date, licences.",
        prior=1e-4,
        features=(
            _f("npi", "npi", valid_only=True),
            _f("last_name", "last_name", "alnum"),
            _f("last_name_nysiis", "last_name", "nysiis"),
            _f("first_name_forms", "first_name", "given_name"),
            _f("first_initial", "first_name", "given_initials"),
            _f("middle_initial", "middle_name", "initial"),
            _f("name_suffix", "name_suffix"),
            _f("birth_date", "birth_date", "date"),
            _f("phone", "phone", "phone"),
            _f("email", "email", "email"),
            _f("license", "licenses", "license"),
            _f("dea", "dea_number", valid_only=True),
            _f("taxonomy", "taxonomy_codes"),
            *_name_order_features(),
        ),
        blocking=(
            _block("npi", "npi"),
            _block("name", "last_name_nysiis", "first_initial"),
            _block("name_set", "name_set"),
            _block("birth_first", "birth_date", "first_initial"),
            _block("license", "license"),
            _block("email", "email"),
            _block("dea", "dea"),
        ),
        comparisons=(
            _identifier("npi", "npi"),
            _surname("last_name"),
            _given_name("first_name_forms"),
            _middle_initial("middle_initial"),
            _suffix("name_suffix"),
            _birth_date("birth_date"),
            _exact_only("license", "license", 0.6, 1e-5, 0.4),
            _exact_only("dea", "dea", 0.9, 1e-6, 0.1),
            _phone(),
            _exact_only("email", "email", 0.5, 0.00002, 0.5),
            _exact_only("taxonomy", "taxonomy", 0.8, 0.08, 0.2, tf=True),
            _names_swapped(),
        ),
        thresholds=Thresholds(auto_match=AUTO_MATCH, review=REVIEW),
        cannot_link=("npi",),
        decisive=("npi",),
    )


def location() -> MatchSettings:
    address_features, address_comparisons = _address()
    return MatchSettings(
        domain="location",
        version="location-default-1",
        description="Sites: organisational NPI, CCN, GLN; name and address.",
        prior=1e-3,
        features=(
            _f("npi", "npi", valid_only=True),
            _f("ccn", "ccn", valid_only=True),
            _f("gln", "gln", valid_only=True),
            _f("name", "name", "organisation"),
            _f("name_first_word", "name", "organisation_first_word"),
            *address_features,
            _f("phone", "phone", "phone"),
            _f("location_type", "location_type"),
        ),
        blocking=(
            _block("npi", "npi"),
            _block("ccn", "ccn"),
            _block("gln", "gln"),
            _block("zip_word", "zip", "name_first_word"),
            _block("street_zip", "street", "zip"),
            _block("phone", "phone"),
        ),
        comparisons=(
            _identifier("npi", "npi"),
            _identifier("ccn", "ccn"),
            _identifier("gln", "gln"),
            _organisation_name("name", "name", subset_matches=False),
            *address_comparisons,
            _phone(m=0.6, u=0.001),
            # A hospital and its departments share an address: a different site type weighs.
            _exact_only("location_type", "location_type", 0.95, 0.2, 0.05),
        ),
        thresholds=Thresholds(auto_match=AUTO_MATCH, review=REVIEW),
        cannot_link=("npi", "ccn", "gln"),
        decisive=("npi", "ccn", "gln"),
    )


def cost_center() -> MatchSettings:
    return MatchSettings(
        domain="cost_center",
        version="cost_center-default-1",
        description="Reference data: the code within a legal entity decides; names only suggest.",
        prior=1e-3,
        features=(
            _f("entity_code", "legal_entity+code", "alnum"),
            _f("legal_entity", "legal_entity", "alnum"),
            _f("code", "code", "alnum"),
            _f("name", "name", "alnum"),
            _f("department", "department", "alnum"),
        ),
        blocking=(
            _block("entity_code", "entity_code"),
            _block("entity_name", "legal_entity", "name"),
        ),
        comparisons=(
            _exact_only("legal_entity", "legal_entity", 0.95, 0.1, 0.05),
            _exact_only("code", "code", 0.95, 0.001, 0.05),
            Comparison(
                name="name",
                feature="name",
                levels=(
                    _lv("exact", "exact", 0.7, 0.002),
                    _lv("token_set>=0.9", "token_set", 0.2, 0.01, 0.9),
                    _lv("else", "else", 0.1, 0.988),
                ),
            ),
            _exact_only("department", "department", 0.8, 0.05, 0.2),
        ),
        # The code within its legal entity identifies a cost center; the same code under another
        # legal entity is another one. Names alone can reach review, never auto-merge.
        thresholds=Thresholds(auto_match=AUTO_MATCH + 4, review=REVIEW),
        cannot_link=("entity_code",),
        decisive=("entity_code",),
    )


def supplier() -> MatchSettings:
    return MatchSettings(
        domain="supplier",
        version="supplier-default-1",
        description="Vendors: EIN decisive and cannot-link; legal name, DBA, remit-to addresses.",
        prior=1e-3,
        features=(
            _f("ein", "ein", "digits", valid_only=True),
            _f("duns", "duns", "digits", valid_only=True),
            _f("uei", "uei", valid_only=True),
            # A supplier is known by its legal name or its DBA, in either system.
            _f("name", "legal_name|dba_name", "organisation"),
            _f("name_first_word", "legal_name|dba_name", "organisation_first_word"),
            _f("zip", "remit_to_addresses.zip", "zip5"),
            _f("phone", "phone", "phone"),
            _f("email_domain", "email", "email"),
        ),
        blocking=(
            _block("ein", "ein"),
            _block("duns", "duns"),
            _block("uei", "uei"),
            _block("name_word", "name_first_word"),
            _block("phone", "phone"),
        ),
        comparisons=(
            _identifier("ein", "ein"),
            _identifier("duns", "duns"),
            _identifier("uei", "uei"),
            _organisation_name("name", "name", subset_matches=True),
            _exact_only("remit_zip", "zip", 0.6, 0.01, 0.4),
            _phone(m=0.5, u=0.001),
        ),
        thresholds=Thresholds(auto_match=AUTO_MATCH, review=REVIEW),
        cannot_link=("ein",),
        decisive=("ein",),
    )


def item() -> MatchSettings:
    return MatchSettings(
        domain="item",
        version="item-default-1",
        description=(
            "Supplies: GTIN decisive and cannot-link (packaging levels have their own GTINs); "
            "manufacturer and part number; normalised descriptions."
        ),
        prior=1e-4,
        features=(
            _f("gtin", "gtin", valid_only=True),
            _f("manufacturer", "manufacturer", "manufacturer"),
            _f("part_number", "manufacturer_part_number", "part_number"),
            _f("description", "description", "item_description"),
            _f("unit_of_measure", "unit_of_measure"),
            _f("packaging", "packaging", "alnum"),
            _f("hcpcs", "hcpcs"),
            _f("unspsc", "unspsc"),
            _f("udi_di", "udi_di", "alnum"),
        ),
        blocking=(
            _block("gtin", "gtin"),
            _block("part_number", "part_number"),
            _block("udi", "udi_di"),
        ),
        comparisons=(
            _identifier("gtin", "gtin"),
            _identifier("udi_di", "udi_di"),
            Comparison(
                name="part_number",
                feature="part_number",
                levels=(
                    _lv("exact", "exact", 0.85, 0.0002),
                    _lv("levenshtein<=1", "levenshtein", 0.08, 0.001, 1),
                    _lv("else", "else", 0.07, 0.9988),
                ),
            ),
            _exact_only("manufacturer", "manufacturer", 0.9, 0.05, 0.1, tf=True),
            Comparison(
                name="description",
                feature="description",
                levels=(
                    _lv("token_set>=0.95", "token_set", 0.55, 0.002, 0.95),
                    _lv("token_set>=0.80", "token_set", 0.3, 0.02, 0.80),
                    _lv("else", "else", 0.15, 0.978),
                ),
            ),
            # The same part number in boxes and in cases is two items with two GTINs.
            _exact_only("unit_of_measure", "unit_of_measure", 0.85, 0.4, 0.15),
            _exact_only("packaging", "packaging", 0.8, 0.1, 0.2),
            _exact_only("unspsc", "unspsc", 0.8, 0.05, 0.2),
        ),
        thresholds=Thresholds(auto_match=AUTO_MATCH, review=REVIEW),
        cannot_link=("gtin",),
        decisive=("gtin",),
    )


def payer() -> MatchSettings:
    address_features, address_comparisons = _address()
    return MatchSettings(
        domain="payer",
        version="payer-default-1",
        description="Payers: clearinghouse payer ID decisive and cannot-link; NAIC; name.",
        prior=1e-3,
        features=(
            _f("payer_id", "payer_id", valid_only=True),
            _f("naic", "naic_code", valid_only=True),
            _f("name", "name", "payer"),
            _f("name_first_word", "name", "organisation_first_word"),
            _f("payer_type", "payer_type"),
            *address_features,
            _f("phone", "phone", "phone"),
        ),
        blocking=(
            _block("payer_id", "payer_id"),
            _block("naic", "naic"),
            _block("name_word", "name_first_word"),
            _block("phone", "phone"),
            _block("street_zip", "street", "zip"),
        ),
        comparisons=(
            _identifier("payer_id", "payer_id"),
            _identifier("naic", "naic"),
            _organisation_name("name", "name", subset_matches=True),
            _exact_only("payer_type", "payer_type", 0.9, 0.2, 0.1),
            *address_comparisons,
            _phone(m=0.5, u=0.001),
        ),
        thresholds=Thresholds(auto_match=AUTO_MATCH, review=REVIEW),
        cannot_link=("payer_id",),
        decisive=("payer_id",),
    )


def employee() -> MatchSettings:
    return MatchSettings(
        domain="employee",
        version="employee-default-3",
        description=(
            "People on HR files: no decisive identifier. An SSN is strong but not decisive (a "
            "relative's can be copied), and a one-digit SSN difference is often a typo."
        ),
        prior=1e-4,
        features=(
            _f("ssn", "ssn", "digits", valid_only=True, sensitive=True),
            _f("last_name", "last_name", "alnum"),
            _f("last_name_nysiis", "last_name", "nysiis"),
            _f("first_name_forms", "first_name", "given_name"),
            _f("first_initial", "first_name", "given_initials"),
            _f("middle_initial", "middle_name", "initial"),
            _f("name_suffix", "name_suffix"),
            _f("birth_date", "birth_date", "date"),
            _f("hire_date", "hire_date", "date"),
            _f("work_email", "work_email", "email"),
            _f("job_title", "job_title", "alnum"),
            _f("street", "home_address.line1", "street"),
            _f("house_number", "home_address.line1", "house_number"),
            # Either address line: HR forms put the street in the second line often enough.
            _f("street_name", "home_address.line1|home_address.line2", "street_name"),
            _f("street_word", "home_address.line1|home_address.line2", "street_word"),
            _f("city", "home_address.city", "alnum"),
            _f("postcode", "home_address.zip", "alnum"),
            _f("home_phone", "home_phone", "phone"),
            *_name_order_features(),
        ),
        blocking=(
            _block("ssn", "ssn"),
            _block("name", "last_name_nysiis", "first_initial"),
            _block("name_set", "name_set"),
            _block("birth_first", "birth_date", "first_initial"),
            _block("email", "work_email"),
            _block("postcode_initial", "postcode", "first_initial"),
            _block("street_postcode", "street", "postcode"),
            _block("phone", "home_phone"),
            # Rules without the first initial, for a given name replaced or misspelt at its start.
            _block("birth_postcode", "birth_date", "postcode"),
            _block("surname_postcode", "last_name_nysiis", "postcode"),
            _block("birth_surname", "birth_date", "last_name_nysiis"),
            # And rules on the home address alone, for a person whose names are both corrupted.
            _block("house_postcode", "house_number", "postcode"),
            _block("birth_house", "birth_date", "house_number"),
            _block("street_initial", "street_name", "first_initial"),
            _block("street_word_postcode", "street_word", "postcode"),
            _block("surname_city", "last_name_nysiis", "city"),
        ),
        comparisons=(
            Comparison(
                name="ssn",
                feature="ssn",
                levels=(
                    _lv("exact", "exact", 0.9, 0.00002),
                    # A mistyped or swapped pair of digits: often a typo, never proof.
                    _lv("one digit off", "damerau_levenshtein", 0.05, 0.0002, 1),
                    _lv("else", "else", 0.05, 0.99978),
                ),
            ),
            *_changes_over_a_life(_surname("last_name"), _given_name("first_name_forms")),
            _middle_initial("middle_initial"),
            # One copy in 200 with JR against SR: -6.6, contrary evidence on its own.
            _suffix("name_suffix", m_differs=0.005),
            _birth_date("birth_date"),
            *_changes_over_a_life(
                # A household shares its street: frequency-adjusted, and never enough alone. The
                # street name and the house number are compared apart, so a typo in one leaves
                # the other's evidence.
                Comparison(
                    name="street_name",
                    feature="street_name",
                    levels=(
                        _lv("exact", "exact", 0.75, 0.001, tf=True),
                        _lv("jaro_winkler>=0.90", "jaro_winkler", 0.12, 0.004, 0.90),
                        _lv("token_set>=0.80", "token_set", 0.05, 0.01, 0.80),
                        _lv("else", "else", 0.08, 0.985),
                    ),
                ),
                _exact_only("house_number", "house_number", 0.85, 0.02, 0.15),
                Comparison(
                    name="city",
                    feature="city",
                    levels=(
                        _lv("exact", "exact", 0.8, 0.02, tf=True),
                        _lv("jaro_winkler>=0.9", "jaro_winkler", 0.1, 0.01, 0.9),
                        _lv("else", "else", 0.1, 0.97),
                    ),
                ),
                Comparison(
                    name="postcode",
                    feature="postcode",
                    levels=(
                        _lv("exact", "exact", 0.8, 0.005, tf=True),
                        _lv("one character off", "damerau_levenshtein", 0.1, 0.02, 1),
                        _lv("else", "else", 0.1, 0.975),
                    ),
                ),
                _exact_only("home_phone", "home_phone", 0.6, 0.0001, 0.4),
            ),
            *_changes_over_a_life(
                _names_swapped(),
                _exact_only("hire_date", "hire_date", 0.5, 0.0005, 0.5),
                _exact_only("work_email", "work_email", 0.7, 0.00001, 0.3),
                Comparison(
                    name="job_title",
                    feature="job_title",
                    levels=(
                        _lv("token_set>=0.9", "token_set", 0.6, 0.05, 0.9),
                        _lv("else", "else", 0.4, 0.95),
                    ),
                ),
            ),
        ),
        thresholds=Thresholds(auto_match=AUTO_MATCH, review=REVIEW),
        cannot_link=(),
        decisive=(),
        # HR files are messy: two copies of one person, each mistyped in its own way, weigh
        # weakly against each other while both match the person strongly; the chain through
        # the person may outweigh their weak pair (see ``chain_guard``).
        chain_guard="bridged",
        # A parent and child with one name at one address, no suffix on either record: only
        # another birth date and another SSN say two people, and a steward decides.
        strong_pair_guard="summed",
        # Contrary evidence: a different birth date (-5.0) or valid SSN (-4.3) alone is not
        # enough to keep a chained copy out (typos and a relative's SSN happen); both, or a
        # birth date and a suffix (JR against SR), are.
        contradiction_weight=-6.0,
    )


DEFAULT_SETTINGS: Mapping[str, Callable[[], MatchSettings]] = MappingProxyType(
    {
        "provider": provider,
        "location": location,
        "cost_center": cost_center,
        "supplier": supplier,
        "item": item,
        "payer": payer,
        "employee": employee,
    }
)


@cache
def default_settings(domain: str) -> MatchSettings:
    # One object per domain: settings are immutable, and scoring keeps what it works out
    # once per settings object.
    return DEFAULT_SETTINGS[domain]()
