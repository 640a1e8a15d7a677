"""Civil preparedness: facilities that must keep running in a long power cut but have no backup power.

Whether a facility is critical comes from its own column ``critical_in_power_cut`` or, when that is empty, from
its service (resolved in :mod:`hushall.model`). MSB's guidance on *reservkraft* asks municipalities to secure
power for activities that cannot be interrupted, such as residential care for the elderly.
"""

from __future__ import annotations

import pandas as pd

from hushall.model import MunicipalityData

READINESS_COLUMNS = [
    "facility_id",
    "name",
    "district_id",
    "category",
    "service_id",
    "capacity_places",
    "critical_in_power_cut",
    "backup_power",
]


def readiness_table(data: MunicipalityData) -> pd.DataFrame:
    """Critical facilities lacking backup power, in the order of the facilities table.

    Columns: ``facility_id, name, district_id, category, service_id, capacity_places, critical_in_power_cut,
    backup_power``.
    """
    fac = data.facilities
    critical = fac["critical_in_power_cut"].astype(bool)
    backup = fac["backup_power"].astype(bool)
    out = fac.loc[critical & ~backup, READINESS_COLUMNS].reset_index(drop=True)
    out["service_id"] = out["service_id"].astype(str)
    out["capacity_places"] = out["capacity_places"].fillna(0.0).astype(float)
    return out
