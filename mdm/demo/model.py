"""The shapes of a demo dataset: systems, records with their ground truth, batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: The order batches must be loaded in so that every reference target is already there.
DOMAIN_ORDER = ("cost_center", "location", "supplier", "payer", "item", "provider", "employee")


@dataclass(frozen=True)
class DemoSystem:
    """A source system of the demo health system and which domains it sends and receives."""

    code: str
    name: str
    description: str
    sends: tuple[str, ...]
    receives: tuple[str, ...]


@dataclass(frozen=True)
class DemoRecord:
    """One record as a source system sends it, plus the ground truth behind it.

    ``attributes`` and ``references`` are the ingest payload. ``entity`` names the real-world
    thing the record describes ("provider:17"): two records with the same ``entity`` are the
    same thing, whatever they look like. Rows the hub must reject have ``entity``
    "reject:<reason>".
    """

    source_key: str
    attributes: dict[str, Any]
    references: dict[str, Any]
    entity: str

    @property
    def is_reject(self) -> bool:
        return self.entity.startswith("reject:")


@dataclass(frozen=True)
class DemoBatch:
    """The records of one domain sent by one source system."""

    source: str
    domain: str
    records: tuple[DemoRecord, ...]


@dataclass(frozen=True)
class DemoFlaw:
    """A defect planted on purpose in a record that the hub should still land.

    ``kind`` is ``bad_check_digit`` (``field`` names the identifier attribute) or
    ``dangling_reference`` (``field`` names the reference, ``target`` the key never sent).
    Rows the hub must reject are not flaws: their ``entity`` says so.
    """

    source: str
    domain: str
    source_key: str
    kind: str
    field: str
    note: str
    target: str = ""


@dataclass(frozen=True)
class DemoDataset:
    """A whole demo: the source systems, their batches in load order, and the planted flaws.

    >>> from mdm.demo import generate_demo
    >>> demo = generate_demo(seed=7)
    >>> demo.truth()[("erp", "cost_center", "CC-HS01-1000")]
    'cost_center:1'
    """

    systems: tuple[DemoSystem, ...]
    batches: tuple[DemoBatch, ...]
    flaws: tuple[DemoFlaw, ...] = ()

    def records(self) -> Iterator[tuple[str, str, DemoRecord]]:
        """Every record as ``(source, domain, record)``, in load order."""
        for batch in self.batches:
            for record in batch.records:
                yield batch.source, batch.domain, record

    def truth(self) -> dict[tuple[str, str, str], str]:
        """``(source, domain, source_key) -> entity`` for every record, rejects included."""
        return {
            (source, domain, record.source_key): record.entity
            for source, domain, record in self.records()
        }

    def system(self, code: str) -> DemoSystem:
        """The system called ``code``; raises KeyError when there is none."""
        for system in self.systems:
            if system.code == code:
                return system
        raise KeyError(code)
