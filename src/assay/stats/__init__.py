"""Statistics that hold at the 5–30 tasks of a typical agent evaluation.

One module per job:

- ``result``       — :class:`Interval` and the explicit :class:`NotEstimable` (never SE = 0);
- ``proportions``  — Wilson (display) and Clopper–Pearson (decisions) intervals; Newcombe's
  interval for two independent proportions;
- ``paired``       — per-task differences: t bound, Newcombe paired bound, Hoeffding bound;
- ``exact``        — exact McNemar and sign tests (paired); Fisher and Boschloo (unpaired);
- ``passk``        — the unbiased pass@k;
- ``bootstrap``    — a seeded paired percentile bootstrap that refuses decisions below 30 units;
- ``multiplicity`` — Holm's familywise adjustment;
- ``power``        — minimum detectable effect and required number of units;
- ``clustered``    — cluster-robust standard error of a mean difference;
- ``compare``      — the two-arm comparison record behind ``assay stats compare``.

numpy and scipy are imported inside the functions that need them, so importing this
package (and the CLI that lists it) stays fast.
"""

from assay.stats.bootstrap import MIN_DECISION_UNITS, paired_bootstrap
from assay.stats.clustered import ClusteredMean, clustered_mean
from assay.stats.exact import SignTest, boschloo_pvalue, fisher_pvalue, mcnemar_exact, sign_test
from assay.stats.multiplicity import HolmResult, holm
from assay.stats.paired import (
    PairedCounts,
    hoeffding_lower_bound,
    hoeffding_pvalue,
    newcombe_paired,
    t_interval,
    t_pvalue,
)
from assay.stats.passk import PassAtK, mean_pass_at_k, pass_at_k
from assay.stats.power import min_discordant_units, minimum_detectable_effect, required_n
from assay.stats.proportions import clopper_pearson, newcombe_difference, wilson
from assay.stats.result import Interval, NotEstimable, Side

__all__ = [
    "MIN_DECISION_UNITS",
    "ClusteredMean",
    "HolmResult",
    "Interval",
    "NotEstimable",
    "PairedCounts",
    "PassAtK",
    "Side",
    "SignTest",
    "boschloo_pvalue",
    "clopper_pearson",
    "clustered_mean",
    "fisher_pvalue",
    "hoeffding_lower_bound",
    "hoeffding_pvalue",
    "holm",
    "mcnemar_exact",
    "mean_pass_at_k",
    "min_discordant_units",
    "minimum_detectable_effect",
    "newcombe_difference",
    "newcombe_paired",
    "paired_bootstrap",
    "pass_at_k",
    "required_n",
    "sign_test",
    "t_interval",
    "t_pvalue",
    "wilson",
]
