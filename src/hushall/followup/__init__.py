"""Stage 6: follow-up — what was built against what was planned, and what that teaches the next plan.

It reads sheet ``Utfall`` (investment outcomes per project and year up to the base year, RKR R14) after the
financial model: :func:`follow_up` gives the R14 figures, the execution rate per year and nämnd and the projects
late or over cost; :func:`measured_rates` the execution rate and cost overrun with their spread, by nämnd and
project type, which the Monte Carlo model (:mod:`hushall.scenarios`) uses instead of its fixed assumption.
"""

from __future__ import annotations

from hushall.followup.learning import MeasuredRates, measured_rates
from hushall.followup.outcomes import ALL_COMMITTEES, NO_COMMITTEE, FollowUp, follow_up

__all__ = ["ALL_COMMITTEES", "NO_COMMITTEE", "FollowUp", "MeasuredRates", "follow_up", "measured_rates"]
