"""Comparison with similar municipalities (bundled SCB 2019 table), the Kolada client and ``hushall jämför``."""

from __future__ import annotations

import json
import time
import urllib.error
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import exempelkommun
from hushall.peers import compare_with_peers, load_peer_table
from hushall.peers.kolada import BASE_URL, KoladaClient, KoladaUnavailable, latest_figures


def test_bundled_table_agrees_with_the_shared_scb_files(shared_data: Path) -> None:
    table = load_peer_table()
    age = pd.read_csv(shared_data / "scb_2019" / "vagdur_SCBHandlerPlotter_SCB_alderkon.csv")
    assert table["folkmängd"].sum() == age["X2019"].sum()          # Sweden 31 Dec 2019: 10 327 589
    assert table["folkmängd"].sum() == 10_327_589
    groups = [c for c in table.columns if c.startswith("ålder_")]
    assert (table[groups].sum(axis=1) == table["folkmängd"]).all()
    assert table.loc["Vimmerby", "skatteintäkter_kr_per_inv"] == 46182
    assert table.loc["Vimmerby", "skattesats_kommun_pct"] == 22.36


def test_peers_are_the_nearest_in_population_and_ranks_are_consistent() -> None:
    c = compare_with_peers(exempelkommun(), n=10, scb_name="Vimmerby")
    table = load_peer_table()
    distance = (table["folkmängd"] - 15647).abs().drop("Vimmerby")
    assert set(c.peers.index) == set(distance.nsmallest(10).index)
    fig = c.figures
    assert fig.loc["skattesats_kommun_pct", "kommunen_2019"] == 22.36
    assert fig.loc["skattesats_kommun_pct", "kommunen"] == pytest.approx(22.36)
    higher = int((c.peers["skattesats_kommun_pct"] > 22.36).sum())
    assert fig.loc["skattesats_kommun_pct", "placering"] == f"{higher + 1} av 11"
    shares = fig.loc[[k for k in fig.index if k.startswith("andel_")], "kommunen"]
    assert shares.sum() == pytest.approx(1.0)
    assert fig.loc["andel_80_", "kommunen"] > fig.loc["andel_80_", "median"]   # an ageing municipality
    assert "soliditet" in c.plan_ratios.index


def _fake_kolada(calls: list[str]):
    municipalities = {"values": [{"id": "0884", "title": "Vimmerby", "type": "K"},
                                 {"id": "0860", "title": "Hultsfred", "type": "K"},
                                 {"id": "08", "title": "Region Kalmar", "type": "L"}]}
    data_p1 = {"values": [{"kpi": "N01951", "municipality": "0884", "period": 2023,
                           "values": [{"gender": "T", "value": 15461}]},
                          {"kpi": "N01951", "municipality": "0884", "period": 2024,
                           "values": [{"gender": "T", "value": 15384}]}],
               "next_page": BASE_URL + "/page2"}
    data_p2 = {"values": [{"kpi": "N01813", "municipality": "0884", "period": 2024,
                           "values": [{"gender": "T", "value": 8.5}, {"gender": "K", "value": 9.9}]},
                          {"kpi": "N01951", "municipality": "0860", "period": 2024,
                           "values": [{"gender": "T", "value": 13900}]}]}

    def transport(url: str) -> bytes:
        calls.append(url)
        if url.endswith("/municipality"):
            return json.dumps(municipalities).encode()
        if url.endswith("/page2"):
            return json.dumps(data_p2).encode()
        if "/data/kpi/" in url:
            return json.dumps(data_p1).encode()
        raise urllib.error.URLError("not found")

    return transport


def test_kolada_fetches_pages_caches_and_reports_age(tmp_path: Path) -> None:
    calls: list[str] = []
    client = KoladaClient(tmp_path, transport=_fake_kolada(calls))
    figures, fetched = latest_figures(client, ["Vimmerby", "Hultsfred", "Okänd"])
    assert list(figures.index) == ["Vimmerby", "Hultsfred"]
    assert figures.loc["Vimmerby", "folkmängd"] == 15384 and figures.loc["Vimmerby", "år"] == 2024
    assert figures.loc["Vimmerby", "andel_80_"] == pytest.approx(0.085)
    assert not fetched.from_cache and "i dag" in fetched.age_text()
    assert any("/data/kpi/N01951,N00901,N01812,N01813/municipality/0884,0860" in u for u in calls)

    def no_network(url: str) -> bytes:
        raise urllib.error.URLError("offline")

    for f in tmp_path.glob("*.json"):  # pretend the cache is ten days old
        entry = json.loads(f.read_text())
        entry["fetched_at"] = time.time() - 10 * 86400
        f.write_text(json.dumps(entry))
    offline = KoladaClient(tmp_path, transport=no_network)
    figures2, fetched2 = latest_figures(offline, ["Vimmerby", "Hultsfred"])
    pd.testing.assert_frame_equal(figures, figures2)
    assert fetched2.from_cache and "10 dagar sedan" in fetched2.age_text()


def test_kolada_without_network_or_cache_says_so(tmp_path: Path) -> None:
    def no_network(url: str) -> bytes:
        raise urllib.error.URLError("offline")

    with pytest.raises(KoladaUnavailable, match="inget finns sparat"):
        KoladaClient(tmp_path / "tom", transport=no_network).municipality_ids()


def test_cli_jamfor_prints_swedish_figures_and_json() -> None:
    r = CliRunner().invoke(cli, ["jämför", "--example", "--kommun", "Vimmerby", "-n", "5"])
    assert r.exit_code == 0, r.stderr
    assert "Kommunal skattesats" in r.stdout and "22,36\u00a0%" in r.stdout and "46\u00a0182" in r.stdout
    assert "av 6" in r.stdout and "Källa: SCB 2019" in r.stdout
    r = CliRunner().invoke(cli, ["jämför", "--example", "--json"])
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["scb_kommun"] is None and len(doc["jämförelsekommuner"]) == 10
    assert "finns inte i SCB:s tabell" in r.stderr


def test_cli_jamfor_kolada_offline_without_cache_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    r = CliRunner().invoke(cli, ["jämför", "--example", "--kommun", "Vimmerby", "--kolada", "--offline"])
    assert r.exit_code == 1 and "Traceback" not in r.stderr and "Kolada kunde inte nås" in r.stderr
