"""A small container for a linear model built in named, vectorised blocks and handed to HiGHS in one call.

Variables and constraints are added as whole blocks (one call per constraint family, never one per nonzero),
each with a name and coordinates (for instance the year of every row), so the solution can be written back and
explained block by block — the habit of PyPSA/linopy (``m.add_variables(..., name=...)``,
``m.add_constraints(lhs >= rhs, name=...)``).

Examples
--------
>>> import numpy as np
>>> m = LinearModel()
>>> x = m.add_variables("x", lower=0, upper=1, cost=[3.0, 2.0], integer=True)
>>> m.add_constraints("knapsack", rows=[0, 0], cols=x.index([0, 1]), vals=[2.0, 2.0], upper=[3.0])
RowBlock(name='knapsack', start=0, size=1)
>>> h = m.to_highs(sense="max", log=False)
>>> _ = h.run()
>>> round(h.getInfo().objective_function_value, 6)
3.0
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

INF = highspy.kHighsInf

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass
class _Block:
    """A named block of consecutive variables or constraints, with coordinates (e.g. the year of every entry)."""

    name: str
    start: int
    size: int
    coords: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def stop(self) -> int:
        return self.start + self.size

    def index(self, local: ArrayLike | None = None) -> IntArray:
        """Global indices of local positions (all when ``None``)."""
        if local is None:
            return np.arange(self.start, self.stop, dtype=np.int64)
        return self.start + np.asarray(local, dtype=np.int64)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, start={self.start}, size={self.size})"


@dataclass(repr=False)
class VarBlock(_Block):
    """A named block of consecutive variables."""


@dataclass(repr=False)
class RowBlock(_Block):
    """A named block of consecutive constraints."""


def _full(value: ArrayLike, n: int) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(f"expected {n} values, got shape {arr.shape}")
    return arr.astype(float, copy=True)


class LinearModel:
    """Variables and constraints in named blocks; :meth:`to_highs` assembles one column-wise matrix."""

    def __init__(self) -> None:
        self.variables: dict[str, VarBlock] = {}
        self.constraints: dict[str, RowBlock] = {}
        self._lower: list[FloatArray] = []
        self._upper: list[FloatArray] = []
        self._cost: list[FloatArray] = []
        self._integer: list[np.ndarray] = []
        self._row_lower: list[FloatArray] = []
        self._row_upper: list[FloatArray] = []
        self._rows: list[IntArray] = []
        self._cols: list[IntArray] = []
        self._vals: list[FloatArray] = []
        self.num_vars = 0
        self.num_rows = 0
        self.offset = 0.0
        self._cache: dict[str, Any] | None = None

    # -- building ------------------------------------------------------------------------------------------
    def add_variables(
        self,
        name: str,
        lower: ArrayLike = 0.0,
        upper: ArrayLike = INF,
        cost: ArrayLike = 0.0,
        integer: bool = False,
        size: int | None = None,
        coords: dict[str, ArrayLike] | None = None,
    ) -> VarBlock:
        """Add a block of variables; ``size`` is taken from the first array argument when not given."""
        if name in self.variables:
            raise ValueError(f"variable block {name!r} exists")
        if size is None:
            for arg in (cost, lower, upper):
                a = np.asarray(arg)
                if a.ndim == 1:
                    size = a.shape[0]
                    break
            else:
                raise ValueError("size is needed when every argument is a scalar")
        self._cache = None
        block = VarBlock(name, self.num_vars, size, {k: np.asarray(v) for k, v in (coords or {}).items()})
        self._lower.append(np.maximum(_full(lower, size), -INF))
        self._upper.append(np.minimum(_full(upper, size), INF))
        self._cost.append(_full(cost, size))
        self._integer.append(np.full(size, bool(integer)))
        self.variables[name] = block
        self.num_vars += size
        return block

    def add_constraints(
        self,
        name: str,
        rows: ArrayLike,
        cols: ArrayLike,
        vals: ArrayLike,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        size: int | None = None,
        coords: dict[str, ArrayLike] | None = None,
    ) -> RowBlock:
        """Add ``lower <= A x <= upper`` where ``A`` is given as triplets (``rows`` local to the block)."""
        if name in self.constraints:
            raise ValueError(f"constraint block {name!r} exists")
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        v = np.asarray(vals, dtype=float).ravel()
        if not (r.shape == c.shape == v.shape):
            raise ValueError("rows, cols and vals must have the same length")
        if size is None:
            for bound in (lower, upper):
                if bound is not None and np.asarray(bound).ndim == 1:
                    size = int(np.asarray(bound).shape[0])
                    break
            else:
                size = int(r.max()) + 1 if r.size else 0
        self._cache = None
        keep = v != 0.0
        if not keep.all():
            r, c, v = r[keep], c[keep], v[keep]
        if r.size and (r.min() < 0 or r.max() >= size):
            raise ValueError(f"row index out of range in {name!r}")
        if c.size and (c.min() < 0 or c.max() >= self.num_vars):
            raise ValueError(f"column index out of range in {name!r}")
        lo = _full(-INF if lower is None else lower, size)
        up = _full(INF if upper is None else upper, size)
        block = RowBlock(name, self.num_rows, size, {k: np.asarray(v) for k, v in (coords or {}).items()})
        self._rows.append(r + self.num_rows)
        self._cols.append(c)
        self._vals.append(v)
        self._row_lower.append(lo)
        self._row_upper.append(up)
        self.constraints[name] = block
        self.num_rows += size
        return block

    def add_entries(self, name: str, rows: ArrayLike, cols: ArrayLike, vals: ArrayLike) -> None:
        """Add coefficients to rows of an existing block (e.g. a slack variable added after the rows)."""
        self._cache = None
        block = self.constraints[name]
        r = np.asarray(rows, dtype=np.int64).ravel()
        if r.size and (r.min() < 0 or r.max() >= block.size):
            raise ValueError(f"row index out of range in {name!r}")
        self._rows.append(r + block.start)
        self._cols.append(np.asarray(cols, dtype=np.int64).ravel())
        self._vals.append(np.asarray(vals, dtype=float).ravel())

    def add_matrix_constraints(
        self,
        name: str,
        matrix: sp.spmatrix | sp.sparray,
        var_index: ArrayLike,
        lower: ArrayLike | None = None,
        upper: ArrayLike | None = None,
        coords: dict[str, ArrayLike] | None = None,
    ) -> RowBlock:
        """Add ``lower <= M x[var_index] <= upper`` for a sparse matrix ``M`` (rows × len(var_index))."""
        coo = sp.coo_matrix(matrix)
        idx = np.asarray(var_index, dtype=np.int64)
        return self.add_constraints(name, coo.row, idx[coo.col], coo.data, lower, upper, size=coo.shape[0],
                                    coords=coords)

    # -- assembling ----------------------------------------------------------------------------------------
    def arrays(self) -> dict[str, Any]:
        """The assembled model: bounds, costs, integrality and the column-wise (CSC) matrix (assembled once;
        treat the arrays as read-only and copy before changing them)."""
        if self._cache is None:
            self._cache = self._assemble()
        return self._cache

    def _assemble(self) -> dict[str, Any]:
        cat = np.concatenate
        rows = cat(self._rows) if self._rows else np.zeros(0, dtype=np.int64)
        cols = cat(self._cols) if self._cols else np.zeros(0, dtype=np.int64)
        vals = cat(self._vals) if self._vals else np.zeros(0)
        a = sp.csc_matrix((vals, (rows, cols)), shape=(self.num_rows, self.num_vars))
        a.sum_duplicates()
        a.eliminate_zeros()
        return {
            "col_lower": cat(self._lower) if self._lower else np.zeros(0),
            "col_upper": cat(self._upper) if self._upper else np.zeros(0),
            "cost": cat(self._cost) if self._cost else np.zeros(0),
            "integer": cat(self._integer) if self._integer else np.zeros(0, dtype=bool),
            "row_lower": cat(self._row_lower) if self._row_lower else np.zeros(0),
            "row_upper": cat(self._row_upper) if self._row_upper else np.zeros(0),
            "matrix": a,
        }

    def to_highs(
        self,
        sense: str = "max",
        log: bool = False,
        relax: bool = False,
        options: dict[str, Any] | None = None,
    ) -> highspy.Highs:
        """One :class:`highspy.Highs` holding the whole model, passed in a single ``passModel`` call."""
        arr = self.arrays()
        return highs_from_arrays(arr, sense=sense, offset=self.offset, log=log, relax=relax, options=options)

    # -- reading -------------------------------------------------------------------------------------------
    def values(self, solution: np.ndarray, name: str) -> np.ndarray:
        b = self.variables[name]
        return np.asarray(solution[b.start:b.stop])

    def row_values(self, row_activity: np.ndarray, name: str) -> np.ndarray:
        b = self.constraints[name]
        return np.asarray(row_activity[b.start:b.stop])

    def block_names(self) -> tuple[Sequence[str], Sequence[str]]:
        return list(self.variables), list(self.constraints)


_FD_LOCK = threading.Lock()
_FD_STATE: dict[str, int] = {"depth": 0, "saved": -1}


@contextmanager
def native_stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at stderr while inside: HiGHS prints its banner from C++ straight to the process's
    stdout when a solver is created, which would corrupt ``--json`` output (stdout is for results only).

    Nestable and shared by threads: the first to enter redirects, the last to leave restores.
    """
    with _FD_LOCK:
        if _FD_STATE["depth"] == 0:
            _FD_STATE["saved"] = _point_stdout_at(2)
        _FD_STATE["depth"] += 1
    try:
        yield
    finally:
        with _FD_LOCK:
            _FD_STATE["depth"] -= 1
            if _FD_STATE["depth"] == 0:
                _restore_stdout(_FD_STATE["saved"])
                _FD_STATE["saved"] = -1


def _point_stdout_at(fd: int) -> int:
    """Point file descriptor 1 at ``fd`` (what Python already buffered goes to stdout first); returns the saved
    descriptor 1 for :func:`_restore_stdout`, −1 when there is no usable descriptor 1 (embedded use: nothing to
    protect)."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        return -1
    os.dup2(fd, 1)
    return saved


def _restore_stdout(saved: int) -> None:
    if saved < 0:
        return
    with suppress(OSError, ValueError):
        sys.stdout.flush()
    os.dup2(saved, 1)
    os.close(saved)


_BANNER = {"printed": False}


def _first_highs_silently() -> None:
    """Create the process's first HiGHS instance with descriptor 1 on ``/dev/null``: HiGHS prints its licence banner
    (from C++, straight to stdout) once per process, at the first instance — engineering noise in a planner's
    terminal. Later instances print nothing. Without a usable descriptor 1 nothing is redirected."""
    with _FD_LOCK:
        if _BANNER["printed"]:
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            saved = _point_stdout_at(devnull)
            try:
                highspy.Highs()
            finally:
                _restore_stdout(saved)
                _BANNER["printed"] = True
        finally:
            os.close(devnull)


def new_highs(log: bool = False) -> highspy.Highs:
    """A HiGHS instance (``log``: keep HiGHS's own log on, to stderr, banner included). HiGHS's banner is left out
    (:func:`_first_highs_silently`) unless ``log``."""
    if not log:
        _first_highs_silently()
    with native_stdout_to_stderr():
        h = highspy.Highs()
    h.setOptionValue("output_flag", bool(log))
    return h


def highs_from_arrays(
    arr: dict[str, Any],
    sense: str = "max",
    offset: float = 0.0,
    log: bool = False,
    relax: bool = False,
    options: dict[str, Any] | None = None,
) -> highspy.Highs:
    h = new_highs(log)
    for k, v in (options or {}).items():
        h.setOptionValue(k, v)
    a: sp.csc_matrix = arr["matrix"]
    integer = arr["integer"]
    has_int = bool(integer.any()) and not relax
    # a full-length array always (HiGHS reads num_col entries); 0 = continuous
    integrality = integer.astype(np.int32) if has_int else np.zeros(a.shape[1], dtype=np.int32)
    h.passModel(
        int(a.shape[1]),
        int(a.shape[0]),
        int(a.nnz),
        int(highspy.MatrixFormat.kColwise.value),
        int((highspy.ObjSense.kMaximize if sense == "max" else highspy.ObjSense.kMinimize).value),
        float(offset),
        np.ascontiguousarray(arr["cost"], dtype=np.float64),
        np.ascontiguousarray(arr["col_lower"], dtype=np.float64),
        np.ascontiguousarray(arr["col_upper"], dtype=np.float64),
        np.ascontiguousarray(arr["row_lower"], dtype=np.float64),
        np.ascontiguousarray(arr["row_upper"], dtype=np.float64),
        np.ascontiguousarray(a.indptr, dtype=np.int32),
        np.ascontiguousarray(a.indices, dtype=np.int32),
        np.ascontiguousarray(a.data, dtype=np.float64),
        np.ascontiguousarray(integrality, dtype=np.int32),
    )
    return h


@dataclass
class WithoutFixed:
    """A model with its fixed columns (lower = upper) taken out (:func:`without_fixed`): ``arrays`` hold the
    remaining ``columns`` and the ``rows`` with a remaining column, their bounds shifted by the fixed columns'
    activity ``shift``; ``offset`` adds the fixed columns' cost to the objective's constant; ``base`` is every
    column's value with the remaining ones at 0."""

    arrays: dict[str, Any]
    columns: IntArray
    rows: IntArray
    offset: float
    base: FloatArray
    shift: FloatArray

    def expand(self, values: FloatArray) -> FloatArray:
        """Every column's value, given the remaining columns' ``values``."""
        out = self.base.copy()
        out[self.columns] = values
        return out


def without_fixed(arr: dict[str, Any], offset: float = 0.0) -> WithoutFixed:
    """``arr`` without its fixed columns: a fixed column :math:`j` only shifts the rows it is in — with :math:`F`
    the fixed and :math:`R` the remaining columns, :math:`l \\le A_F x_F + A_R x_R \\le u` becomes
    :math:`l - A_F x_F \\le A_R x_R \\le u - A_F x_F` — and rows without a remaining column are left out (their
    activity is known; the caller checks them when it must). The same model, mathematically; HiGHS's presolve
    would remove the fixed columns too, but only after the whole model has been passed and scanned.

    >>> a = {"matrix": sp.csc_matrix(np.array([[1.0, 1.0], [1.0, 0.0]])), "cost": np.array([1.0, 1.0]),
    ...      "col_lower": np.array([0.0, 2.0]), "col_upper": np.array([5.0, 2.0]),
    ...      "row_lower": np.array([-np.inf, -np.inf]), "row_upper": np.array([4.0, 9.0]),
    ...      "integer": np.zeros(2, dtype=bool)}
    >>> w = without_fixed(a)
    >>> w.columns.tolist(), w.rows.tolist(), w.arrays["row_upper"].tolist(), w.offset
    ([0], [0, 1], [2.0, 9.0], 2.0)
    """
    a: sp.csc_matrix = sp.csc_matrix(arr["matrix"])
    lo = np.asarray(arr["col_lower"], dtype=float)
    up = np.asarray(arr["col_upper"], dtype=float)
    fixed = lo == up
    free = np.flatnonzero(~fixed)
    base = np.where(fixed, lo, 0.0)
    shift = a @ base
    a_free = a[:, free].tocsr()
    rows = np.flatnonzero(np.diff(a_free.indptr) > 0)
    cost = np.asarray(arr["cost"], dtype=float)
    sub = {"matrix": a_free[rows].tocsc(), "cost": cost[free], "col_lower": lo[free], "col_upper": up[free],
           "row_lower": np.asarray(arr["row_lower"], dtype=float)[rows] - shift[rows],
           "row_upper": np.asarray(arr["row_upper"], dtype=float)[rows] - shift[rows],
           "integer": np.asarray(arr["integer"])[free]}
    return WithoutFixed(sub, free, rows, float(offset + cost @ base), base, shift)


def solve_lp_without_fixed(
    arr: dict[str, Any],
    sense: str = "max",
    offset: float = 0.0,
    options: dict[str, Any] | None = None,
    feasibility_tol: float = 1e-6,
    bin_columns: int = 4000,
) -> tuple[str, FloatArray, FloatArray]:
    """Solve the LP relaxation of ``arr`` with its fixed columns (lower = upper) taken out beforehand
    (:func:`without_fixed`; the rows without a remaining column are checked against their bounds). What remains
    often falls apart into independent parts (the places network of each year and district cluster, the financial
    block): they are solved in groups of about ``bin_columns`` columns, one HiGHS call each (an LP that separates
    is optimal exactly when each part is). Mathematically the same LP; for a plan written back with tens of
    thousands of fixed start-year columns several times faster (docs/performance.md, "the ranking comparison").

    Returns the model status (as ``Highs.modelStatusToString``), every column's value (the fixed ones at their
    value) and every row's activity :math:`A x`.

    >>> a = {"matrix": sp.csc_matrix(np.array([[1.0, 1.0], [1.0, 0.0]])), "cost": np.array([1.0, 1.0]),
    ...      "col_lower": np.array([0.0, 2.0]), "col_upper": np.array([5.0, 2.0]),
    ...      "row_lower": np.array([-np.inf, -np.inf]), "row_upper": np.array([4.0, 9.0]),
    ...      "integer": np.zeros(2, dtype=bool)}
    >>> status, x, act = solve_lp_without_fixed(a)
    >>> status, x.tolist(), act.tolist()
    ('Optimal', [2.0, 2.0], [4.0, 2.0])
    """
    w = without_fixed(arr)
    a: sp.csc_matrix = sp.csc_matrix(arr["matrix"])
    solution, shift, free, rows = w.base.copy(), w.shift, w.columns, w.rows
    rl = np.asarray(arr["row_lower"], dtype=float)
    ru = np.asarray(arr["row_upper"], dtype=float)
    # rows over fixed columns alone: their activity is known; the LP is infeasible when one breaks its bounds
    idle = np.ones(rl.size, dtype=bool)
    idle[rows] = False
    scale = np.maximum(1.0, np.abs(shift[idle]))
    broken = bool(np.any((shift[idle] < rl[idle] - feasibility_tol * scale)
                         | (shift[idle] > ru[idle] + feasibility_tol * scale)))
    status = "Optimal"
    b = sp.csr_matrix(w.arrays["matrix"])
    sub_arr = w.arrays
    for k, (r, c) in enumerate(independent_parts(b, bin_columns)):
        sub = {"matrix": b[r][:, c].tocsc(), "cost": sub_arr["cost"][c],
               "col_lower": sub_arr["col_lower"][c], "col_upper": sub_arr["col_upper"][c],
               "row_lower": sub_arr["row_lower"][r], "row_upper": sub_arr["row_upper"][r],
               "integer": np.zeros(c.size, dtype=bool)}
        h = highs_from_arrays(sub, sense=sense, offset=offset if k == 0 else 0.0, relax=True, options=options)
        h.run()
        if status == "Optimal":  # the first part that is not optimal names the status
            status = h.modelStatusToString(h.getModelStatus())
        solution[free[c]] = np.asarray(h.getSolution().col_value)
    if broken:
        status = "Infeasible"
    return status, solution, a @ solution


def independent_parts(m: sp.csr_matrix, bin_columns: int) -> list[tuple[IntArray, IntArray]]:
    """The rows and columns of ``m`` in groups of whole connected components (rows and columns linked by a
    nonzero), each group about ``bin_columns`` columns; one group when ``m`` is at most that size. Columns in no
    row form parts of their own (bounds only)."""
    n_rows, n_cols = m.shape
    if n_cols == 0:
        return []
    if n_cols <= bin_columns:
        return [(np.arange(n_rows), np.arange(n_cols))]
    from scipy.sparse.csgraph import connected_components

    graph = sp.bmat([[None, m], [m.T, None]], format="csr")
    _, label = connected_components(graph, directed=False)
    col_label, row_label = label[n_rows:], label[:n_rows]
    size = np.bincount(col_label, minlength=label.max() + 1)
    # whole components into consecutive groups by their running size
    group_of = ((np.cumsum(size) - size) // bin_columns).astype(np.int64)
    col_group, row_group = group_of[col_label], group_of[row_label]
    cols_by = np.argsort(col_group, kind="stable")
    rows_by = np.argsort(row_group, kind="stable")
    n_groups = int(group_of.max()) + 1
    c_cut = np.searchsorted(col_group[cols_by], np.arange(n_groups + 1))
    r_cut = np.searchsorted(row_group[rows_by], np.arange(n_groups + 1))
    return [(rows_by[r_cut[g]:r_cut[g + 1]], cols_by[c_cut[g]:c_cut[g + 1]]) for g in range(n_groups)
            if c_cut[g + 1] > c_cut[g]]
