"""Where the records and keys of a golden record came from, through the merges it absorbed.

A golden record that absorbed others (and they others before them) is the root of a tree of
merges that have not been undone. Every record and downstream key in it has a **home**: the
innermost golden record of the tree whose merge brought it in, or the root for what came
without a merge. When re-clustering separates records (a steward's split, a record that
changed), golden IDs follow homes, so each part gets back the golden record it came from —
whichever side of the merge the steward named — and the tree is rearranged to match:

* each golden record goes with the cluster holding most of its own records (those a merge
  recorded as its own count first; records that joined later count after them);
* an absorbed golden record whose own records went to a cluster its survivor did not take is
  revived there; where they went with the survivor's records, the merge stands;
* one whose records went with another golden record than its survivor is re-attached to it;
* keys follow their home; pins carried for absorbed records are recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from mdm.match import repository
from mdm.models import GoldenMerge


@dataclass(slots=True)
class Provenance:
    # Absorbed golden ID -> the open merge that absorbed it.
    merges: dict[str, GoldenMerge] = field(default_factory=dict)
    record_home: dict[int, str] = field(default_factory=dict)
    # Records a merge listed (as the absorbed golden record's or the survivor's): their home is
    # known. Others (records that joined later, trees without merges) float with their root.
    key_home: dict[int, str] = field(default_factory=dict)

    def parent(self, golden_id: str) -> str | None:
        merge = self.merges.get(golden_id)
        return merge.survivor_id if merge else None

    def ancestors(self, golden_id: str) -> list[str]:
        """Survivor, its survivor... up to the root (cycles cannot occur; guarded anyway)."""
        out: list[str] = []
        node = self.parent(golden_id)
        while node is not None and node not in out and len(out) < 64:
            out.append(node)
            node = self.parent(node)
        return out

    def root(self, golden_id: str) -> str:
        chain = self.ancestors(golden_id)
        return chain[-1] if chain else golden_id

    def home(self, record_id: int | None, current: str) -> str:
        """The record's home golden record, if it is still in the tree it sits in."""
        if record_id is None:
            return current
        home = self.record_home.get(record_id)
        if home is not None and self.root(home) == current:
            return home
        return current

    def anchored(self, record_id: int | None, current: str | None) -> bool:
        if record_id is None or current is None:
            return False
        home = self.record_home.get(record_id)
        return home is not None and self.root(home) == current


def load(session: Session, holders: Iterable[str]) -> Provenance:
    """The merge trees of the golden records ``holders``: open merges, homes of records/keys."""
    found = Provenance()
    wanted = {h for h in holders if h}
    if not wanted:
        return found
    for merge in repository.open_merges_into(session, wanted):
        found.merges[merge.absorbed_id] = merge
    if not found.merges:
        return found
    depth = {g: len(found.ancestors(g)) for g in found.merges}
    # The innermost merge that lists a record or key is its home: outer merges list it too,
    # because a merge moves everything the absorbed golden record held, own and inherited.
    for absorbed, merge in found.merges.items():
        for record_id in merge.record_ids:
            known = found.record_home.get(record_id)
            if known is None or depth[absorbed] > depth.get(known, -1):
                found.record_home[record_id] = absorbed
        for key_id in merge.downstream_key_ids:
            known = found.key_home.get(key_id)
            if known is None or depth[absorbed] > depth.get(known, -1):
                found.key_home[key_id] = absorbed
    # The survivor's own records at the time of a merge are the survivor's, unless an inner
    # merge claims them (they were in the survivor only because it had absorbed them).
    for merge in found.merges.values():
        survivor_depth = len(found.ancestors(merge.survivor_id))
        for record_id in merge.survivor_record_ids or []:
            known = found.record_home.get(record_id)
            if known is None or survivor_depth > depth.get(known, -1):
                found.record_home[record_id] = merge.survivor_id
                depth.setdefault(merge.survivor_id, survivor_depth)
    return found
