"""Population forecast per district, single age and sex (cohort-component, "byggbaserad"), or a bought one.

Stage between the data and the model: it reads SCB's population, a housing programme or a bought forecast and
writes the workbook's sheet *Befolkning*. Imports only from :mod:`hushall.data`, :mod:`hushall.model` and
:mod:`hushall.errors`.
"""

from __future__ import annotations

from hushall.population.cohort import Projection, project
from hushall.population.rates import Rates, default_rates, load_rates

__all__ = ["Projection", "Rates", "default_rates", "load_rates", "project"]
