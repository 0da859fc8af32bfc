"""ORM models, together in one package so migrations and features import from one place."""

from mdm.models.audit import AuditEntry
from mdm.models.base import Base
from mdm.models.downstream_key import DownstreamKey
from mdm.models.golden_record import GoldenRecord, GoldenStatus, GoldenVersion
from mdm.models.match import (
    STEWARD_REQUEST,
    BlockingKey,
    CandidateKind,
    CandidateStatus,
    DecisionOutcome,
    LinkKind,
    MatchCandidate,
    MatchDecision,
    MatchPair,
    MatchRuleSet,
    PairVerdict,
    RuleSetStatus,
    StewardLink,
)
from mdm.models.outbox import OutboxEvent
from mdm.models.reject import Reject, RejectStatus
from mdm.models.source_record import (
    RecordIdentifier,
    SourceRecord,
    SourceRecordReference,
    SourceRecordStatus,
)
from mdm.models.source_system import SourceSystem
from mdm.models.stewardship import (
    GoldenMerge,
    GoldenPin,
    GoldenSplit,
    RecordCorrection,
    StewardshipSetting,
)
from mdm.models.subscription import (
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Subscription,
    SubscriptionSecret,
    SubscriptionStatus,
)
from mdm.models.survivorship_policy import SurvivorshipPolicyVersion

__all__ = [
    "STEWARD_REQUEST",
    "AuditEntry",
    "Base",
    "BlockingKey",
    "CandidateKind",
    "CandidateStatus",
    "DecisionOutcome",
    "LinkKind",
    "MatchCandidate",
    "MatchDecision",
    "MatchPair",
    "MatchRuleSet",
    "PairVerdict",
    "RuleSetStatus",
    "StewardLink",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryState",
    "DownstreamKey",
    "OutboxEvent",
    "Subscription",
    "SubscriptionSecret",
    "SubscriptionStatus",
    "GoldenRecord",
    "GoldenStatus",
    "GoldenVersion",
    "GoldenMerge",
    "GoldenPin",
    "GoldenSplit",
    "RecordCorrection",
    "StewardshipSetting",
    "SurvivorshipPolicyVersion",
    "RecordIdentifier",
    "Reject",
    "RejectStatus",
    "SourceRecord",
    "SourceRecordReference",
    "SourceRecordStatus",
    "SourceSystem",
]
