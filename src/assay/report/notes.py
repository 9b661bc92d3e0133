"""The report's fixed explanatory paragraphs: what an interval, a look or a budget means."""

from __future__ import annotations

INTERVALS_NOTE = (
    "Intervals are 95% over **tasks**: the attempts (seeds) of a task are averaged first, so n"
    " counts tasks, never tasks × attempts. A rate whose every task mean is 0 or 1 gets a"
    " Wilson interval; other means a Student-t interval. With fewer than two tasks, or no"
    " variation between tasks, no interval is printed. Faults and interrupted attempts count"
    " as failures in success; *success among finished* leaves them out of the denominator."
    " *Raw success*: the hidden tests pass on the final workspace, whether or not the workflow"
    " accepted it. *Shipped*: the last round ended in the agent's own successful `done` and"
    " no channel consulted in that round flagged it (a stagnated, out-of-budget, faulted or"
    " interrupted attempt ships nothing). *Shipped success* = shipped and raw success;"
    " *unshipped successes* passed the hidden tests but were never accepted. *Shipped hazard*"
    " = shipped and the hazard rules find something in the final diff."
)
HAZARDS_NOTE = (
    "Every inspection is scored a second time, against the *hazard truth* of the workspace it"
    " saw: the hazard-scan rules run on that workspace's diff by assay itself, whichever"
    " channels the condition runs. A *hazard detection* flagged a workspace with a hazard; a"
    " *hazard miss* passed one; a *flag without a hazard* flagged one with none (it may still"
    " be a catch of a test failure, shown in the last column). The hazard-scan channel runs"
    " the same rules, so against this truth it is exact by construction; the table's news is"
    " that its flags are catches of real hazards, and how the other channels fare. Hazards"
    " a task declares of kinds no static rule recognises (overfitting, spec gaps, ...) are"
    " left to the hidden tests."
)
REVIEW_NOTE = (
    "What the review channel's inspections spent: the reviewer model's tokens, the seconds"
    " each review took, and dollars at the manifest's `[prices]`. A part that is unknown for"
    " some reviews (an unpriced model, a person, a call that faulted) is summed over the known"
    " ones and marked ≥; unknown is never counted as 0. Escalations refused by the manifest's"
    " `review_budget` are counted in the last column and listed in each attempt's record."
)
LOAD_ACT_NOTE = (
    "load:act = the sum of orientation operations (`read_file`, `list_dir`) over the sum of"
    " mutations (`write_file`, `edit_file`) across every attempt of the arm, with both sums"
    " shown; attempts that wrote nothing are counted in, and their number is shown (∞ when"
    " the arm wrote nothing at all)."
)
CLAIMS_NOTE = (
    "Claims were pre-registered in each run's manifest before any attempt ran. Each is decided"
    " on paired per-task differences: *supported* only if the one-sided lower bound exceeds"
    " margin + transport + audit-distortion budgets, the exact sign test passes, and Holm's"
    " adjustment across all of the manifest's claims passes; otherwise *fail_closed* with a"
    " typed reason. Arms name a condition, an agent, or AGENT/CONDITION. Each evaluation is a"
    " look recorded in the run's `claims/ledger.jsonl`."
)

BUDGETS_NOTE = (
    "A claim must clear margin + transport budget + audit-distortion budget, all fixed before"
    " the run. Where a condition audits a seeded random sample (`sample:P`), each attempt's"
    " first audit draw splits it into audited and unaudited at random; the difference of the"
    " claim's metric between the two groups estimates how much the audit itself moves the"
    " measurement, with a 95% upper bound on its size (Clopper–Pearson per group for 0/1"
    " metrics, Hoeffding otherwise). It is shown beside the declared budget and never changes"
    " a decision."
)
