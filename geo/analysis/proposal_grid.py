"""Surfaces on a fine square grid of British National Grid metres, kept sparse: Getis–Ord Gi*
and a Gaussian kernel density, for choosing hotspots (geo.analysis.proposals).

Only cells that hold incidents, or lie within reach of one, are ever stored, so a force's data
(or a country's) costs what its incidents cost, not what its bounding box does. Cells are keyed
by one integer each and found again by binary search (numpy `searchsorted`), one vectorised pass
per window offset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm


@dataclass(frozen=True)
class Grid:
    """Square cells of `cell_m` metres holding weighted points: the occupied cells' column and
    row (counted from the study area's south-west cell), their sums, and each point's cell."""

    cell_m: float
    columns: int
    rows: int
    col: np.ndarray
    row: np.ndarray
    total: np.ndarray
    cell_of_point: np.ndarray

    @property
    def cells(self) -> int:
        """Cells in the study area: the bounding box of the points, in whole cells."""
        return self.columns * self.rows

    def key(self, col: np.ndarray, row: np.ndarray) -> np.ndarray:
        """One integer per cell, ordered as the occupied cells are (column-major)."""
        return col.astype(np.int64) * self.rows + row


def grid_of(x: np.ndarray, y: np.ndarray, weight: np.ndarray, cell_m: float) -> Grid:
    """Points (metres) and their weights summed into cells of `cell_m` metres."""
    col = np.floor(x / cell_m).astype(np.int64)
    row = np.floor(y / cell_m).astype(np.int64)
    col0, row0 = (int(col.min()), int(row.min())) if len(col) else (0, 0)
    col, row = col - col0, row - row0
    columns = int(col.max()) + 1 if len(col) else 1
    rows = int(row.max()) + 1 if len(row) else 1
    keys, cell_of_point = np.unique(col * rows + row, return_inverse=True)
    total = np.bincount(cell_of_point.ravel(), weights=weight, minlength=len(keys))
    return Grid(cell_m, columns, rows, keys // rows, keys % rows, total, cell_of_point.ravel())


def _window_sums(
    grid: Grid, col: np.ndarray, row: np.ndarray, offsets: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For cells (col, row): the weighted sum of the occupied cells at each offset, and the sum
    of the weights of offsets that fall inside the study area (edge cells have fewer)."""
    occupied = grid.key(grid.col, grid.row)  # sorted: the cells came from np.unique
    sums = np.zeros(len(col))
    reach = np.zeros(len(col))
    for (dc, dr), w in zip(offsets, weights):
        c, r = col + dc, row + dr
        inside = (c >= 0) & (c < grid.columns) & (r >= 0) & (r < grid.rows)
        reach += w * inside
        at = np.searchsorted(occupied, grid.key(c, r))
        at = np.minimum(at, len(occupied) - 1)
        hit = inside & (occupied[at] == grid.key(c, r))
        sums += w * np.where(hit, grid.total[at], 0.0)
    return sums, reach


def _square(radius_cells: int) -> np.ndarray:
    """The offsets of a (2k+1) × (2k+1) window round a cell, itself included."""
    span = np.arange(-radius_cells, radius_cells + 1)
    dc, dr = np.meshgrid(span, span)
    return np.column_stack([dc.ravel(), dr.ravel()])


@dataclass(frozen=True)
class GiStar:
    """Gi* z-scores of the occupied cells and of the empty cells next to them (every other cell
    has a window without incidents: a z below zero, never hot)."""

    col: np.ndarray
    row: np.ndarray
    z: np.ndarray
    of_occupied: np.ndarray
    """The z of each occupied cell of the grid, in the grid's order."""
    cells: int


def gi_star(grid: Grid, radius_cells: int) -> GiStar:
    """Getis–Ord Gi* of every cell with incidents in reach, with binary weights over the
    (2k+1) × (2k+1) window round each cell (itself included, which makes it Gi* rather than
    Gi), the study area being the grid's bounding box:

        z_i = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / (S √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))

    with X̄ and S the mean and standard deviation of the n cells' counts. This is the statistic
    ArcGIS's Hot Spot Analysis and sfhotspot's hotspot_gistar compute on a fishnet grid."""
    offsets = _square(radius_cells)
    col = (grid.col[:, None] + offsets[:, 0]).ravel()
    row = (grid.row[:, None] + offsets[:, 1]).ravel()
    inside = (col >= 0) & (col < grid.columns) & (row >= 0) & (row < grid.rows)
    keys = np.unique(grid.key(col[inside], row[inside]))
    col, row = keys // grid.rows, keys % grid.rows
    sums, reach = _window_sums(grid, col, row, offsets, np.ones(len(offsets)))
    n = grid.cells
    mean = grid.total.sum() / n
    spread = np.sqrt(max((grid.total**2).sum() / n - mean**2, 0.0))
    scale = spread * np.sqrt(np.maximum(n * reach - reach**2, 0.0) / max(n - 1, 1))
    z = np.divide(sums - mean * reach, scale, out=np.zeros(len(sums)), where=scale > 0)
    at = np.searchsorted(grid.key(col, row), grid.key(grid.col, grid.row))
    return GiStar(col, row, z, z[at], n)


def fdr_critical_z(z: np.ndarray, cells: int, q: float = 0.05) -> float:
    """The smallest z called hot at false discovery rate `q` (Benjamini–Hochberg, one-sided),
    as ArcGIS's Optimized Hot Spot Analysis corrects Gi* for testing every cell; cells not in
    `z` count as tests that are never significant."""
    p = np.sort(norm.sf(z))
    passing = np.flatnonzero(p <= q * np.arange(1, len(p) + 1) / max(cells, 1))
    return float(norm.isf(p[passing[-1]])) if len(passing) else float("inf")


def kernel_density(grid: Grid, bandwidth_m: float) -> np.ndarray:
    """A Gaussian kernel density surface (incidents per km²) at each occupied cell, from every
    cell within three bandwidths: the surface sfhotspot's hotspot_kde and ArcGIS's Kernel
    Density draw, evaluated where incidents are (the only places a proposal can hold any)."""
    reach = int(np.ceil(3 * bandwidth_m / grid.cell_m))
    offsets = _square(reach)
    distance = np.hypot(offsets[:, 0], offsets[:, 1]) * grid.cell_m
    keep = distance <= 3 * bandwidth_m
    offsets, distance = offsets[keep], distance[keep]
    weights = np.exp(-0.5 * (distance / bandwidth_m) ** 2) / (2 * np.pi * bandwidth_m**2)
    sums, _ = _window_sums(grid, grid.col, grid.row, offsets, weights)
    return sums * 1e6
