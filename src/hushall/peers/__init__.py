"""The municipality's key figures against municipalities of similar size (SCB 2019, optionally Kolada).

A stage after :mod:`hushall.finance` (the plan's ratios come from its forecast); presentation lives in the CLI
(``hushall jämför``) and the web page *Jämför*.
"""

from __future__ import annotations

from hushall.peers.compare import FIGURES, PeerComparison, compare_with_peers, load_peer_table

__all__ = ["FIGURES", "PeerComparison", "compare_with_peers", "load_peer_table"]
