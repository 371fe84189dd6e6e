"""The data layer: SQLAlchemy 2 models for Awaaz. Imports nothing else of ours."""

from .audit import AuditEvent
from .base import Base
from .devices import DeviceToken, Kiosk
from .geography import Block, District, GramPanchayat, State
from .questionnaires import (
    DONT_KNOW,
    Dimension,
    Indicator,
    Item,
    ItemKind,
    ItemOption,
    Questionnaire,
    QuestionnaireItem,
)
from .ratings import (
    Answer,
    Channel,
    Comment,
    CommentStatus,
    DaysQuarter,
    ErasedRating,
    ItemQuarter,
    RaterQuarter,
    Rating,
    StakeholderQuarter,
    quarter_of,
)
from .releases import Release, ReleaseStatus, ReleaseTable
from .safeguarding import (
    Action,
    ActionKind,
    ActionStatus,
    Alert,
    AlertNote,
    AlertReason,
    AlertStatus,
    DangerWord,
    EscalatedTo,
)
from .settings import Setting
from .stakeholders import (
    HeldRating,
    Service,
    Stakeholder,
    StakeholderSuggestion,
    StakeholderType,
)
from .survivors import AgeBand, Survivor
from .users import Role, StaffSession, User
from .voice import ClipSource, ClipStatus, VoiceClip

__all__ = [
    "Action",
    "ActionKind",
    "ActionStatus",
    "Alert",
    "AlertNote",
    "AlertReason",
    "AlertStatus",
    "DangerWord",
    "DeviceToken",
    "Kiosk",
    "EscalatedTo",
    "DONT_KNOW",
    "AgeBand",
    "Answer",
    "AuditEvent",
    "Base",
    "Block",
    "Channel",
    "ClipSource",
    "ClipStatus",
    "Comment",
    "CommentStatus",
    "DaysQuarter",
    "Dimension",
    "District",
    "GramPanchayat",
    "HeldRating",
    "Indicator",
    "Item",
    "ItemKind",
    "ItemOption",
    "ItemQuarter",
    "Questionnaire",
    "QuestionnaireItem",
    "ErasedRating",
    "Rating",
    "Release",
    "ReleaseStatus",
    "ReleaseTable",
    "RaterQuarter",
    "Service",
    "Setting",
    "StaffSession",
    "StakeholderQuarter",
    "Stakeholder",
    "StakeholderSuggestion",
    "StakeholderType",
    "State",
    "Survivor",
    "Role",
    "User",
    "quarter_of",
    "VoiceClip",
]
