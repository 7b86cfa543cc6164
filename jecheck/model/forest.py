"""The isolation forest, and an exact split of each entry's score into per-feature contributions.

Scores follow scikit-learn's IsolationForest (Liu et al.): a tree isolates an entry after a path
of length h(x) = depth of its leaf + c(n_leaf), where c(n) is the expected path length among n
points; the score is 2 ** (-mean h(x) / c(psi)), psi = the journals each tree was grown on.

Entries beyond a tree's sample. A tree splits a node on a feature drawn at random among those
that vary among the node's samples, at a threshold drawn uniformly between their smallest and
largest value, so an entry whose value lies beyond them (a brand-new user-account pairing in
baseline mode, an amount larger than any the tree saw) would, as a plain isolation forest, just
follow the most extreme sample, and a feature on which all the node's samples agree is never
tried at all. Had the entry been in the sample, a feature on which it alone differs would have
been a candidate too, cutting it off for certain if drawn, and the node's own split would have
been drawn over the wider range, cutting it off with probability gap / (range + gap). For an
entry outside a tree's overall sample range on some feature, every node on its path is evaluated
that way: the entry leaves the path there with that probability (path length = depth + 1) or
carries on down the actual split. For every other entry, and always for the journals a tree was
grown on, the score is exactly scikit-learn's `score_samples`.

Reasons come from the same paths. A split on feature f at node p that sends x to child v
shortens x's expected remaining path by c(n_p) - c(n_v) - 1 (cut off nearly alone: a lot; an
even split: about nothing; the big side of an uneven split: less than nothing); being cut off at
p saves c(n_p) - 1. These savings add up, per tree, to c(psi) - h(x), so averaged over the forest
sum_f contribution_f(x) = c(psi) - mean h(x), and the score is 2 ** (-1 + sum_f contribution_f /
c(psi)). The features with the largest contributions are the ones that isolated the entry.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.tree import ExtraTreeRegressor

# Rows per unit of work when scoring; each row's arithmetic is the same whichever thread runs it.
BLOCK_ROWS = 16384


def expected_path_length(n: np.ndarray) -> np.ndarray:
    """c(n): average path length of an unsuccessful search in a binary search tree of n points."""
    n = np.asarray(n, dtype=np.float64)
    out = np.zeros_like(n)
    out[n == 2] = 1.0
    big = n > 2
    out[big] = 2.0 * (np.log(n[big] - 1.0) + np.euler_gamma) - 2.0 * (n[big] - 1.0) / n[big]
    return out


@dataclass
class _Tree:
    tree: object  # scikit-learn's low-level Tree
    path_length: np.ndarray  # per node: depth + c(n_node), the path length of an entry ending there
    contribution: np.ndarray  # per node: (n_features,) savings accumulated from the root, float32
    expected: np.ndarray  # per node: c(n_node)
    constant: np.ndarray  # per node: (n_features,) the value all its samples share, NaN where they differ
    varying: np.ndarray  # per node: how many features vary among its samples (the splitter's candidates)
    split_low: np.ndarray  # per node: smallest value of its split feature among its samples
    split_high: np.ndarray  # ... and the largest
    sample_low: np.ndarray  # (n_features,) smallest value of each feature among the tree's samples
    sample_high: np.ndarray  # ... and the largest


@dataclass
class _Nodes:
    """Every tree's nodes in one set of arrays (children as global indices), for walks across trees."""

    root: np.ndarray  # per tree: global index of its root
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    expected: np.ndarray
    path_length: np.ndarray
    constant: np.ndarray
    constants: np.ndarray  # per node: how many features are constant (not NaN in `constant`)
    varying: np.ndarray
    split_low: np.ndarray
    split_high: np.ndarray
    max_depth: int

    @classmethod
    def of(cls, trees: list[_Tree]) -> "_Nodes":
        sizes = [t.tree.node_count for t in trees]
        root = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)

        def children(side: str) -> np.ndarray:
            parts = [np.where(getattr(t.tree, side) >= 0, getattr(t.tree, side) + r, -1) for t, r in zip(trees, root)]
            return np.concatenate(parts).astype(np.intp)

        def joined(name: str) -> np.ndarray:
            return np.concatenate([getattr(t, name) for t in trees])

        return cls(
            root=root, feature=np.concatenate([t.tree.feature for t in trees]).astype(np.intp),
            threshold=np.concatenate([t.tree.threshold for t in trees]),
            left=children("children_left"), right=children("children_right"),
            expected=joined("expected"), path_length=joined("path_length"), constant=joined("constant"),
            constants=(~np.isnan(joined("constant"))).sum(axis=1), varying=joined("varying"),
            split_low=joined("split_low"), split_high=joined("split_high"),
            max_depth=max(t.tree.max_depth for t in trees),
        )


@dataclass
class Forest:
    """A fitted isolation forest with what scoring and attribution need per tree."""

    model: IsolationForest
    trees: list[_Tree]
    nodes: _Nodes
    average_path_length: float  # c(psi)
    threads: int
    # Values inside [envelope_low, envelope_high] lie within every tree's sample range.
    envelope_low: np.ndarray
    envelope_high: np.ndarray

    @property
    def samples_per_tree(self) -> int:
        return int(self.model.max_samples_)


class _SampleKeepingTree(ExtraTreeRegressor):
    """scikit-learn's isolation tree, keeping the rows it was grown on (`samples_`) for `_prepare`.

    scikit-learn's `estimators_samples_` would draw every tree's sample a second time (a third of the fit).
    The forest grows a tree on X weighted by how often each row was drawn, or on the drawn rows themselves.
    """

    def fit(self, X, y, sample_weight=None, check_input=True):
        super().fit(X, y, sample_weight=sample_weight, check_input=check_input)
        self.samples_ = X if sample_weight is None else X[np.asarray(sample_weight) > 0]
        return self


class _SampleKeepingForest(IsolationForest):
    """IsolationForest growing `_SampleKeepingTree`s: the same random draws, the same trees."""

    def _get_estimator(self):
        tree = super()._get_estimator()
        return _SampleKeepingTree(**tree.get_params())


def fit(
    X: np.ndarray, *, seed: int, n_estimators: int, max_samples: int | str, threads: int
) -> Forest:
    """Fit the forest on X (rows already in a canonical order) and precompute what scoring needs.

    Fitting runs on one thread: each tree sees only `max_samples` rows, so it is cheap, and a thread
    pool costs more than it saves. Scoring, the real cost, uses `threads`.
    """
    X = np.asarray(X, dtype=np.float32)
    if isinstance(max_samples, int):
        max_samples = min(max_samples, len(X))
    model = _SampleKeepingForest(n_estimators=n_estimators, max_samples=max_samples, random_state=seed, n_jobs=1)
    model.fit(X)
    if model._max_features != X.shape[1]:  # every tree must see every feature, in column order
        raise AssertionError("isolation trees were grown on a subset of features")
    samples = [getattr(est, "samples_", None) for est in model.estimators_]
    if any(rows is None for rows in samples):  # a scikit-learn that builds its trees another way: draw again
        samples = [X[rows] for rows in model.estimators_samples_]
    trees = [_prepare(est.tree_, rows) for est, rows in zip(model.estimators_, samples)]
    for est in model.estimators_:
        vars(est).pop("samples_", None)  # only _prepare needs them
    nodes = _Nodes.of(trees)
    for t in trees:  # the walk reads the joined copies
        t.constant = t.varying = t.split_low = t.split_high = None
    return Forest(
        model=model,
        trees=trees,
        nodes=nodes,
        average_path_length=float(expected_path_length(np.array([model.max_samples_]))[0]),
        threads=threads,
        envelope_low=np.max([t.sample_low for t in trees], axis=0),
        envelope_high=np.min([t.sample_high for t in trees], axis=0),
    )


def _prepare(tree, samples: np.ndarray) -> _Tree:
    """Per node: path length, accumulated savings, and what its samples look like on each feature."""
    n_nodes, n_features = tree.node_count, samples.shape[1]
    left, right, feature = tree.children_left, tree.children_right, tree.feature
    expected = expected_path_length(tree.n_node_samples)
    depth = np.zeros(n_nodes)
    contribution = np.zeros((n_nodes, n_features))
    levels = []
    level = np.array([0])
    while len(level):  # root to leaves, one depth level at a time
        parents = level[left[level] >= 0]
        levels.append(parents)
        for children in (left[parents], right[parents]):
            depth[children] = depth[parents] + 1
            contribution[children] = contribution[parents]
            contribution[children, feature[parents]] += expected[parents] - expected[children] - 1.0
        level = np.concatenate([left[parents], right[parents]])
    # Each node's range on every feature: the leaves' from their samples, then up the tree level by level.
    leaf_of = tree.apply(samples)
    order = np.argsort(leaf_of, kind="stable")
    leaves, starts = np.unique(leaf_of[order], return_index=True)
    low = np.empty((n_nodes, n_features), dtype=samples.dtype)
    high = np.empty_like(low)
    low[leaves] = np.minimum.reduceat(samples[order], starts, axis=0)
    high[leaves] = np.maximum.reduceat(samples[order], starts, axis=0)
    for parents in reversed(levels):
        low[parents] = np.minimum(low[left[parents]], low[right[parents]])
        high[parents] = np.maximum(high[left[parents]], high[right[parents]])
    nodes = np.arange(n_nodes)
    split_feature = np.maximum(feature, 0)
    return _Tree(
        tree=tree, path_length=depth + expected,
        # float32 halves the memory traffic of the per-row gathers; reasons only need the ordering.
        contribution=contribution.astype(np.float32), expected=expected,
        constant=np.where(low == high, low, np.nan).astype(np.float32), varying=(low != high).sum(axis=1),
        split_low=low[nodes, split_feature].astype(np.float64), split_high=high[nodes, split_feature].astype(np.float64),
        sample_low=low[0], sample_high=high[0],
    )


def score(forest: Forest, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Anomaly scores (0-1, higher = more unusual) and per-feature contributions for the rows of X.

    Rows are split into blocks scored on `forest.threads` threads; every row's result is the
    same whichever block or thread it falls in, and the same as `anomaly_scores` gives.
    """
    return _in_blocks(forest, X, explain=True)


def anomaly_scores(forest: Forest, X: np.ndarray) -> np.ndarray:
    """The scores of `score` without the contributions: all that ranking every journal needs."""
    return _in_blocks(forest, X, explain=False)[0]


def _in_blocks(forest: Forest, X: np.ndarray, explain: bool) -> tuple[np.ndarray, np.ndarray | None]:
    X = np.asarray(X, dtype=np.float32)
    # Rows sharing a leaf of the first tree lie close together and take similar paths through every
    # tree: walked one after another they cost fewer mispredicted branches. No row's result depends
    # on the order.
    order = np.argsort(forest.trees[0].tree.apply(X), kind="stable")
    scores, contribution = _in_order(forest, np.ascontiguousarray(X[order]), explain)
    original = np.empty_like(order)
    original[order] = np.arange(len(order))
    return scores[original], (contribution[original] if explain else None)


def _in_order(forest: Forest, X: np.ndarray, explain: bool) -> tuple[np.ndarray, np.ndarray | None]:
    blocks = [X[i:i + BLOCK_ROWS] for i in range(0, len(X), BLOCK_ROWS)] or [X]
    if forest.threads > 1 and len(blocks) > 1:
        with ThreadPoolExecutor(max_workers=forest.threads) as pool:
            results = list(pool.map(lambda block: _score_block(forest, block, explain), blocks))
    else:
        results = [_score_block(forest, block, explain) for block in blocks]
    scores = np.concatenate([r[0] for r in results])
    return scores, (np.concatenate([r[1] for r in results]) if explain else None)


def _score_block(forest: Forest, X: np.ndarray, explain: bool) -> tuple[np.ndarray, np.ndarray | None]:
    depths = np.zeros(len(X))
    if explain:
        contribution = np.zeros((len(X), X.shape[1]), dtype=np.float32)
        gathered = np.empty_like(contribution)
    # Rows outside the envelope may lie beyond some tree's samples; only they are checked per tree.
    candidates = np.flatnonzero(((X < forest.envelope_low) | (X > forest.envelope_high)).any(axis=1))
    X_candidates = X[candidates]
    beyond_rows, beyond_trees, beyond_leaves = [], [], []
    for i, t in enumerate(forest.trees):
        leaves = t.tree.apply(X)
        depths += t.path_length[leaves]
        if explain:
            np.take(t.contribution, leaves, axis=0, out=gathered)
            contribution += gathered
        beyond = ((X_candidates < t.sample_low) | (X_candidates > t.sample_high)).any(axis=1)
        rows = candidates[beyond]
        beyond_rows.append(rows)
        beyond_trees.append(np.full(len(rows), i, dtype=np.intp))
        beyond_leaves.append(leaves[rows])
    rows, trees, leaves = (np.concatenate(a) for a in (beyond_rows, beyond_trees, beyond_leaves))
    if len(rows):
        # Replace the plain path of each (row, tree) beyond the tree's samples by the walk's expectation.
        path_length, saved = _walk_beyond(forest, X[rows], trees, explain)
        for i in np.unique(trees):  # per tree, a row occurs at most once
            mine = trees == i
            t, r, leaf = forest.trees[i], rows[mine], leaves[mine]
            depths[r] += path_length[mine] - t.path_length[leaf]
            if explain:
                contribution[r] += saved[mine] - t.contribution[leaf]
    n_trees = len(forest.trees)
    scores = 2.0 ** (-depths / (n_trees * forest.average_path_length))
    return scores, (contribution / n_trees if explain else None)


def _walk_beyond(forest: Forest, X: np.ndarray, trees: np.ndarray, explain: bool
                 ) -> tuple[np.ndarray, np.ndarray | None]:
    """Expected path length and (with `explain`) per-feature savings of each row X[k] in tree trees[k].

    See the module doc.
    """
    nodes = forest.nodes
    node = nodes.root[trees]
    alive = np.ones(len(X))  # probability the row has not been cut off yet
    path_length = np.zeros(len(X))
    saved = np.zeros(X.shape, dtype=np.float64) if explain else None
    ones = np.ones(X.shape[1], dtype=np.float32)
    k = np.arange(len(X))  # the rows still at an internal node (a row at a leaf stays there)
    for level in range(nodes.max_depth + 1):
        k = k[nodes.feature[node[k]] >= 0]
        if not len(k):
            break
        at = node[k]
        f = nodes.feature[at]
        # Features on which the node's samples agree and the row does not: candidates had it been a sample.
        constant = np.take(nodes.constant, at, axis=0)
        same = np.take(X, k, axis=0) == constant  # False where the samples differ (NaN)
        # (a float matrix product counts per row far faster than a boolean sum along rows; exact up to 2**24)
        extra = nodes.constants[at] - (same.astype(np.float32) @ ones).astype(np.intp)
        own = nodes.varying[at] / (nodes.varying[at] + extra)  # chance the node's own split is still drawn
        value = X[k, f].astype(np.float64)
        low, high = nodes.split_low[at], nodes.split_high[at]
        gap_cut = np.zeros(len(k))  # only values beyond the node's samples get one
        above, below = value > high, value < low
        with np.errstate(divide="ignore", invalid="ignore"):
            gap_cut[above] = (value[above] - high[above]) / (value[above] - low[above])
            gap_cut[below] = (low[below] - value[below]) / (high[below] - value[below])
        child = np.where(value <= nodes.threshold[at], nodes.left[at], nodes.right[at])
        live = alive[k]
        if explain:
            cut_saving = nodes.expected[at] - 1.0
            edge_saving = nodes.expected[at] - nodes.expected[child] - 1.0
            saved[k, f] += live * own * (gap_cut * cut_saving + (1.0 - gap_cut) * edge_saving)
            each_extra = np.divide(live * (1.0 - own) * cut_saving, extra, out=np.zeros(len(k)), where=extra > 0)
            some = extra > 0  # the other rows add nothing
            differs = ~same[some] & ~np.isnan(constant[some])
            saved[k[some]] += differs * each_extra[some, None]
        cut = (1.0 - own) + own * gap_cut
        path_length[k] += live * cut * (level + 1)
        alive[k] = live * (1.0 - cut)
        node[k] = child
    path_length += alive * nodes.path_length[node]
    return path_length, (saved.astype(np.float32) if explain else None)
