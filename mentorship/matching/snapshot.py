"""What every batch of a run shares: the taxonomy index, the mentor pool, the prepared pool (the
mentor side of scoring, with the weights, the floor and the tie band) and the explainer, loaded
once per run and process; the mentee batches this process's chunks of the run loaded, which
the run's placement ranks again in its fill rounds instead of loading them a second time; and the
run's baseline (`delta`), what its chunks may leave alone."""

from dataclasses import dataclass, field

from django.conf import settings

from mentorship.matching import engine
from mentorship.matching.delta import Baseline, baseline_for
from mentorship.matching.explanations import Explainer
from mentorship.matching.features import (
    MenteeBatch,
    MentorPool,
    TaxonomyIndex,
    mentor_pool_load,
    taxonomy_index_load,
)
from mentorship.matching.models import MatchRun


@dataclass
class Snapshot:
    key: tuple | None  # (run id, started at), None for a one-off snapshot (a refresh)
    taxonomy: TaxonomyIndex
    pool: MentorPool
    prepared: engine.PreparedMentors
    explainer: Explainer
    # A run's snapshot only: the batches its chunks loaded in this process (cleared when the run
    # finishes here).
    mentee_batches: list[MenteeBatch] = field(default_factory=list)
    _baseline: Baseline | None = None
    _baseline_loaded: bool = False

    def baseline(self) -> Baseline | None:
        """A run's baseline (`delta`) against this pool, loaded once; None for a refresh or a
        run without one (every mentee is scored)."""
        if self.key is None:
            return None
        if not self._baseline_loaded:
            self._baseline = baseline_for(
                run_id=self.key[0], pool=self.pool, taxonomy=self.taxonomy
            )
            self._baseline_loaded = True
        return self._baseline


_current: dict[str, Snapshot] = {}  # per process, the run being worked on


def snapshot_for(run: MatchRun | None) -> Snapshot:
    """The run's snapshot (loaded once per process and run), or a fresh one for `None`."""
    key = (run.pk, run.started_at) if run is not None else None
    cached = _current.get("run")
    if key is not None and cached is not None and cached.key == key:
        return cached
    taxonomy = taxonomy_index_load()
    pool = mentor_pool_load(taxonomy)
    snapshot = Snapshot(
        key=key,
        taxonomy=taxonomy,
        pool=pool,
        prepared=engine.PreparedMentors(
            pool.arrays,
            taxonomy.role_similarity,
            settings.MATCHING_WEIGHTS,
            min_score=settings.MATCHING_MIN_SCORE,
            tie_band=settings.MATCHING_TIE_BAND,
        ),
        explainer=Explainer(taxonomy, pool.arrays),
    )
    if key is not None:
        _current["run"] = snapshot
    return snapshot
