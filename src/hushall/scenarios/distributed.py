"""Scale-out with Dask: what outgrows one process — re-planning under hundreds of scenarios (each a full MILP), or
the same analysis for many municipalities.

The Monte Carlo simulation itself stays in NumPy on one machine (:mod:`hushall.scenarios.montecarlo`). Work that
is a list of independent, expensive tasks goes through :func:`map_ordered`: locally in this process without a
client, or on the workers of a ``dask.distributed`` client — a local cluster by default (:func:`dask_client`), or
an existing cluster (``--scheduler tcp://HOST:PORT``). Every task is a pure function of its arguments, and the
results come back in the order of the tasks, so they are identical whichever runs them.

Dask is an optional dependency (``pip install "dask[distributed]"``); without it, :func:`dask_client` says so.

Examples
--------
>>> map_ordered(abs, [-2, 3])
[2, 3]
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from hushall.errors import HushallError

T = TypeVar("T")
R = TypeVar("R")

DASK_HINT = 'Dask behövs för att fördela arbetet: pip install "dask[distributed]"'


class DistributedError(HushallError):
    """Dask is missing or the scheduler cannot be reached."""

    code = "E_DISTRIBUTED"


@contextmanager
def dask_client(scheduler: str | None = None, *, n_workers: int | None = None, processes: bool = True,
                threads_per_worker: int = 1, timeout_s: float = 20.0) -> Iterator[Any]:
    """A ``dask.distributed.Client``: connected to ``scheduler`` (``tcp://HOST:PORT``) when given, else to a new
    local cluster of ``n_workers`` (default: one per core) that is shut down on exit.

    Raises
    ------
    DistributedError
        When Dask is not installed or the scheduler does not answer within ``timeout_s``.
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise DistributedError(DASK_HINT) from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout_s)
        except (OSError, TimeoutError) as exc:
            raise DistributedError(f"Schemaläggaren {scheduler} svarar inte ({exc}).") from exc
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=n_workers, processes=processes, threads_per_worker=threads_per_worker,
                           dashboard_address=":0")  # any free port: never clashes with another cluster
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def map_ordered(fn: Callable[[T], R], items: Sequence[T], client: Any = None) -> list[R]:
    """``[fn(x) for x in items]``, on the client's workers when a client is given (results in the order of
    ``items``; a task's error is raised here)."""
    if client is None:
        return [fn(x) for x in items]
    futures = client.map(fn, list(items), pure=False)
    return list(client.gather(futures))


def _load(source: Any) -> Any:
    from hushall.model import MunicipalityData, load

    return source if isinstance(source, MunicipalityData) else load(Path(source))


def _analyse(args: tuple[Any, Callable[[Any], Any]]) -> Any:
    source, analysis = args
    return analysis(_load(source))


def analyse_municipalities(sources: Sequence[Any], analysis: Callable[[Any], R], client: Any = None) -> list[R]:
    """Run ``analysis(data)`` for many municipalities (paths to workbooks / CSV folders, loaded on the worker, or
    :class:`~hushall.model.MunicipalityData`), in the order given.

    ``analysis`` must be picklable (a module-level function or a :func:`functools.partial` of one), e.g.
    ``partial(hushall.scenarios.simulate, n_draws=10_000, seed=1)``.
    """
    return map_ordered(_analyse, [(s, analysis) for s in sources], client=client)


__all__ = ["DASK_HINT", "DistributedError", "analyse_municipalities", "dask_client", "map_ordered"]
