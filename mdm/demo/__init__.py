"""The demo health system: a deterministic generator of realistic, messy source data.

Five source systems (an ERP, two acquired clinics, billing and supply chain) send all seven
domains, with the duplicates and hard cases real master data has, and the ground truth of
which records describe the same real-world thing. Used by ``mdm demo``, by tests and by the
matching benchmarks.

>>> from mdm.demo import generate_demo
>>> demo = generate_demo(seed=7)
>>> [system.code for system in demo.systems]
['erp', 'clinic_a', 'clinic_b', 'billing', 'supply']
"""

from mdm.demo.generator import SYSTEMS, generate_demo
from mdm.demo.model import DOMAIN_ORDER, DemoBatch, DemoDataset, DemoFlaw, DemoRecord, DemoSystem

__all__ = [
    "DOMAIN_ORDER",
    "SYSTEMS",
    "DemoBatch",
    "DemoDataset",
    "DemoFlaw",
    "DemoRecord",
    "DemoSystem",
    "generate_demo",
]
