"""Where the records and keys of a golden record came from, through the merges it absorbed.

A golden record that absorbed others (and they others before them) is the root of a tree of
merges that have not been undone. Every record and downstream key in it has a **home**: the
innermost golden record of the tree whose merge brought it in, or the root for what came
without a merge. When re-clustering separates records (a steward's split, a record that
changed), golden IDs follow homes, so each part gets back the golden record it came from —
whichever side of the merge the steward named — and the tree is rearranged to match:

* a cluster takes the ID of the outermost golden record among its records' homes (records of an
  absorbed golden record that stayed with their survivor's records keep the merge standing);
* an absorbed golden record whose records are now in a cluster of its own is revived;
* one whose records went with another golden record than its survivor is re-attached to it;
* keys follow their home.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from mdm.match import repository
from mdm.models import GoldenMerge


@dataclass(slots=True)
class Provenance:
    # Absorbed golden ID -> the open merge that absorbed it.
    merges: dict[str, GoldenMerge] = field(default_factory=dict)
    record_home: dict[int, str] = field(default_factory=dict)
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

    def outermost(self, homes: Collection[str]) -> dict[str, str]:
        """Each home mapped to its farthest ancestor among ``homes`` (itself if none)."""
        present = set(homes)
        out = {}
        for home in homes:
            top = home
            for ancestor in self.ancestors(home):
                if ancestor in present:
                    top = ancestor
            out[home] = top
        return out


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
            if known is None or depth[absorbed] > depth[known]:
                found.record_home[record_id] = absorbed
        for key_id in merge.downstream_key_ids:
            known = found.key_home.get(key_id)
            if known is None or depth[absorbed] > depth[known]:
                found.key_home[key_id] = absorbed
    return found


def holders_of(homes: Mapping[str, str | None], targets: Mapping[str, str]) -> dict[str, str]:
    """For each home golden record, the golden record most of its records went to."""
    votes: dict[str, Counter[str]] = {}
    for key, home in homes.items():
        if home is not None and key in targets:
            votes.setdefault(home, Counter())[targets[key]] += 1
    return {
        home: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[0][0]
        for home, counter in votes.items()
    }
