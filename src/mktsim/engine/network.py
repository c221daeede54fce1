"""The market's social network for the per-customer engine, as CSR arrays.

The graph is drawn once per run with networkx (its seed derives from the run's seed) and
is the same for every replication and strategy of the run; people are placed on its
nodes by a random permutation, so that neither segments nor initial customers line up
with a generator's node numbering (Barabasi-Albert's first nodes are its hubs).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .limits import EngineLimit

NETWORK_STREAM = 200  # spawn key of the network's seed under the run's SeedSequence


@dataclass(frozen=True)
class NetworkShape:
    """Who talks to whom, as the engine reads it (plain data, from the scenario's
    `market.network`): the generator (complete: well mixed, no graph; watts_strogatz,
    barabasi_albert, erdos_renyi), the mean number of contacts per person, the
    probability of rewiring each edge (watts_strogatz) and the people with the most
    contacts who are customers on day 0."""

    model: str = "complete"
    degree: float = 10.0
    rewiring: float = 0.1
    seed_hubs: int = 0


@dataclass(frozen=True)
class SocialGraph:
    """Contacts of each person: neighbours of i are indices[indptr[i]:indptr[i + 1]]."""

    indptr: np.ndarray  # [N + 1] int64
    indices: np.ndarray  # [2E] int32

    @property
    def size(self) -> int:
        """People N."""
        return int(self.indptr.shape[0] - 1)

    def degree(self) -> np.ndarray:
        """Contacts per person [N]."""
        return np.diff(self.indptr)

    def hubs(self, count: int) -> np.ndarray:
        """The `count` people with the most contacts (ties: lower index first)."""
        return np.argsort(-self.degree(), kind="stable")[:count]


def network_seed(seed: int) -> np.random.SeedSequence:
    """The network's seed sequence under the run's root seed."""
    return np.random.SeedSequence(seed, spawn_key=(NETWORK_STREAM,))


def csr_from_edges(edges: np.ndarray, n: int) -> SocialGraph:
    """CSR arrays of an undirected graph given as [E, 2] node pairs (self loops dropped)."""
    edges = edges[edges[:, 0] != edges[:, 1]]
    src = np.concatenate([edges[:, 0], edges[:, 1]]).astype(np.int64)
    dst = np.concatenate([edges[:, 1], edges[:, 0]]).astype(np.int64)
    order = np.lexsort((dst, src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return SocialGraph(indptr, dst[order].astype(np.int32))


def social_graph(network: NetworkShape | None, n: int, seed: int) -> SocialGraph | None:
    """The run's graph of n people, or None for a well-mixed market."""
    if network is None or network.model == "complete":
        return None
    return _cached_graph(network, n, seed)


@functools.lru_cache(maxsize=4)
def _cached_graph(network: NetworkShape, n: int, seed: int) -> SocialGraph:
    import networkx as nx

    _check(network, n)
    seq = network_seed(seed)
    nx_seed = int(seq.generate_state(1, np.uint32)[0])
    if network.model == "watts_strogatz":
        k = max(2, 2 * round(network.degree / 2))
        graph = nx.watts_strogatz_graph(n, k, network.rewiring, seed=nx_seed)
    elif network.model == "barabasi_albert":
        graph = nx.barabasi_albert_graph(n, max(1, round(network.degree / 2)), seed=nx_seed)
    else:
        graph = nx.fast_gnp_random_graph(n, network.degree / (n - 1), seed=nx_seed)
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    place = np.random.default_rng(seq).permutation(n)
    return csr_from_edges(place[edges], n)


def _check(network: NetworkShape, n: int) -> None:
    limits = []
    if network.degree >= n - 1:
        limits.append(("market.network.degree",
                       f"a mean degree of {network.degree:g} needs more than {n:,} people",
                       "lower the degree"))
    if network.seed_hubs > n:
        limits.append(("market.network.seed_hubs",
                       f"{network.seed_hubs:,} hubs in a market of {n:,} people",
                       "seed at most the market's size"))
    if limits:
        raise EngineLimit(limits)
