"""A small client of Kolada's public API (api.kolada.se/v2) with a local cache, for fresher key figures.

Only used when the user asks (``hushall jämför --kolada``). Every answer is cached on disk (platformdirs user
cache, ``hushall/kolada``) with the time it was fetched; when the network is unavailable the cache is used and
the figures' age is reported. The transport is a plain function ``url -> bytes`` so tests mock it.

API: ``/v2/municipality`` (id, title, type) and ``/v2/data/kpi/<KPI,...>/municipality/<ID,...>`` answering
``{"values": [{"kpi", "municipality", "period", "values": [{"gender": "T", "value": …}]}], "next_page": …}``
(Hypergene/kolada, README "Routes" and "Query data"). Data: Kolada (RKA), CC BY 4.0.

Examples
--------
>>> import json, tempfile, pathlib
>>> pages = {BASE_URL + "/municipality": {"values": [{"id": "0884", "title": "Vimmerby", "type": "K"}]}}
>>> client = KoladaClient(pathlib.Path(tempfile.mkdtemp()), transport=lambda url: json.dumps(pages[url]).encode())
>>> client.municipality_ids()
{'Vimmerby': '0884'}
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hushall.errors import HushallError

BASE_URL = "https://api.kolada.se/v2"
#: Kolada KPIs used, with the key figure they give (titles as Kolada publishes them).
KPIS: dict[str, tuple[str, str]] = {
    "N01951": ("folkmängd", "Invånare totalt, antal"),
    "N00901": ("skattesats_kommun_pct", "Skattesats till kommun (%)"),
    "N01812": ("andel_65_79", "Invånare 65-79 år, andel (%)"),
    "N01813": ("andel_80_", "Invånare 80+, andel (%)"),
}
Transport = Callable[[str], bytes]


class KoladaUnavailable(HushallError):
    """Kolada could not be reached and nothing is cached."""

    code = "E_KOLADA"


def _urllib_transport(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": "hushall"})
    with urllib.request.urlopen(req, timeout=15) as resp:
        return bytes(resp.read())


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("hushall")) / "kolada"


@dataclass
class Fetched:
    """Kolada values and how old the oldest answer behind them is."""

    values: pd.DataFrame      # kpi, municipality, period, value
    fetched_at: float         # epoch seconds of the oldest answer used
    from_cache: bool

    def age_text(self, now: float | None = None) -> str:
        days = ((now or time.time()) - self.fetched_at) / 86400
        when = time.strftime("%Y-%m-%d", time.localtime(self.fetched_at))
        return f"hämtade {when} ({days:.0f} dagar sedan)" if days >= 1 else f"hämtade {when} (i dag)"


class KoladaClient:
    """Fetch from Kolada, or from the cache when ``offline`` or when the network fails."""

    def __init__(self, cache_dir: Path | None = None, transport: Transport | None = None,
                 offline: bool = False) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
        self.transport = transport or _urllib_transport
        self.offline = offline
        self.used_cache = False
        self.oldest = time.time()

    def _cache_file(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".json")

    def get(self, url: str) -> dict[str, Any]:
        """One answer (following ``next_page``), from the network or the cache."""
        cached = self._cache_file(url)
        if not self.offline:
            try:
                doc = self._get_pages(url)
            except (urllib.error.URLError, OSError, TimeoutError, ValueError):
                doc = None
            if doc is not None:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = cached.with_suffix(".tmp")
                tmp.write_text(json.dumps({"url": url, "fetched_at": time.time(), "doc": doc}), encoding="utf-8")
                tmp.replace(cached)
                return doc
        if cached.exists():
            entry = json.loads(cached.read_text(encoding="utf-8"))
            self.used_cache = True
            self.oldest = min(self.oldest, float(entry["fetched_at"]))
            return dict(entry["doc"])
        raise KoladaUnavailable("Kolada kunde inte nås och inget finns sparat i cachen "
                                f"({self.cache_dir}). Försök igen med nätverk, eller jämför utan --kolada.")

    def _get_pages(self, url: str) -> dict[str, Any]:
        values: list[Any] = []
        next_url: str | None = url
        while next_url:
            doc = json.loads(self.transport(next_url).decode("utf-8"))
            values.extend(doc.get("values", []))
            next_url = doc.get("next_page") or None
        return {"values": values}

    def municipality_ids(self) -> dict[str, str]:
        """Municipality name → Kolada id (kommunkod), municipalities only."""
        doc = self.get(f"{BASE_URL}/municipality")
        return {v["title"]: v["id"] for v in doc["values"] if v.get("type") == "K"}

    def data(self, kpis: Iterable[str], municipality_ids: Iterable[str]) -> Fetched:
        """All years of ``kpis`` for ``municipality_ids`` (totals, gender T)."""
        url = f"{BASE_URL}/data/kpi/{','.join(kpis)}/municipality/{','.join(municipality_ids)}"
        doc = self.get(url)
        rows = [(v["kpi"], v["municipality"], int(v["period"]), x.get("value"))
                for v in doc["values"] for x in v.get("values", []) if x.get("gender", "T") == "T"]
        frame = pd.DataFrame(rows, columns=["kpi", "municipality", "period", "value"]).dropna(subset=["value"])
        return Fetched(values=frame, fetched_at=self.oldest, from_cache=self.used_cache)


def latest_figures(client: KoladaClient, names: list[str]) -> tuple[pd.DataFrame, Fetched]:
    """The latest Kolada value of every KPI in :data:`KPIS` for the named municipalities.

    Returns a frame indexed by name with one column per key figure (shares as 0–1) and a column ``år`` (the
    latest year found), and the fetch record (for the figures' age).
    """
    ids = client.municipality_ids()
    wanted = {ids[n]: n for n in names if n in ids}
    fetched = client.data(KPIS, wanted)
    v = fetched.values
    out = pd.DataFrame(index=[wanted[i] for i in wanted])
    if v.empty:
        return out, fetched
    latest = v.sort_values("period").groupby(["kpi", "municipality"]).tail(1)
    for kpi, (key, _title) in KPIS.items():
        part = latest[latest["kpi"] == kpi].set_index("municipality")
        scale = 0.01 if key.startswith("andel_") else 1.0
        out[key] = [float(part.loc[i, "value"]) * scale if i in part.index else float("nan") for i in wanted]
    out["år"] = [int(latest[latest["municipality"] == i]["period"].max()) for i in wanted]
    return out, fetched


__all__ = ["BASE_URL", "KPIS", "Fetched", "KoladaClient", "KoladaUnavailable", "latest_figures"]
