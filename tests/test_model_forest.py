"""The isolation forest's scores and their split into per-feature contributions."""

from __future__ import annotations

import numpy as np
import pytest

from jecheck.model import forest


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 5)).astype(np.float32)
    X[:, 4] = np.round(X[:, 4])  # a discrete feature, with ties
    return X


def test_journals_the_forest_was_grown_on_score_exactly_as_scikit_learn(data):
    fitted = forest.fit(data, seed=1, n_estimators=50, max_samples=len(data), threads=1)
    scores, _ = forest.score(fitted, data)
    np.testing.assert_allclose(scores, -fitted.model.score_samples(data), rtol=1e-12)


def test_contributions_add_up_to_the_score(data):
    fitted = forest.fit(data, seed=1, n_estimators=50, max_samples=256, threads=1)
    rng = np.random.default_rng(1)
    unseen = (rng.normal(size=(200, 5)) * 3).astype(np.float32)  # many beyond the trees' samples
    for X in (data, unseen):
        scores, contribution = forest.score(fitted, X)
        # score = 2 ** (-1 + sum of contributions / c(psi))
        np.testing.assert_allclose(np.log2(scores), -1 + contribution.sum(axis=1) / fitted.average_path_length,
                                   atol=1e-5)


def test_threads_do_not_change_a_single_bit(data):
    fitted = forest.fit(data, seed=3, n_estimators=40, max_samples=128, threads=2)
    X = np.repeat(data, 20, axis=0)  # several blocks
    fitted.threads = 1
    one = forest.score(fitted, X)
    fitted.threads = 2
    two = forest.score(fitted, X)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])


def test_value_beyond_everything_a_tree_saw_isolates_the_entry(data):
    """An entry far outside the samples is more unusual than nearly all of them, and that feature is why."""
    fitted = forest.fit(data, seed=1, n_estimators=100, max_samples=64, threads=1)
    inside, _ = forest.score(fitted, data)
    outlier = data[:1].copy()
    outlier[0, 2] = 40.0
    score, contribution = forest.score(fitted, outlier)
    assert score[0] > np.quantile(inside, 0.99)
    assert int(np.argmax(contribution[0])) == 2


def test_value_on_a_feature_constant_in_every_sample_isolates_the_entry():
    """A feature all fitted journals share (say, every source common) still sets apart an entry that differs."""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(500, 4)).astype(np.float32)
    X[:, 1] = 0.0
    fitted = forest.fit(X, seed=1, n_estimators=100, max_samples=128, threads=1)
    inside, _ = forest.score(fitted, X)
    odd = X[:1].copy()
    odd[0, 1] = 3.0
    score, contribution = forest.score(fitted, odd)
    assert score[0] > inside.max()
    assert int(np.argmax(contribution[0])) == 1


def test_scores_without_contributions_are_the_same_bits(data):
    """Ranking every journal uses the cheaper score; it must equal the explained one, beyond-sample rows too."""
    fitted = forest.fit(data, seed=2, n_estimators=40, max_samples=128, threads=2)
    rng = np.random.default_rng(5)
    X = np.vstack([np.repeat(data, 30, axis=0), (rng.normal(size=(500, 5)) * 4).astype(np.float32)])
    assert np.array_equal(forest.anomaly_scores(fitted, X), forest.score(fitted, X)[0])


def test_trees_that_did_not_keep_their_samples_give_the_same_scores(data, monkeypatch):
    """Keeping each tree's sample rides on a private scikit-learn hook; without it the samples are drawn again."""
    unseen = (np.random.default_rng(2).normal(size=(300, 5)) * 3).astype(np.float32)
    kept = forest.fit(data, seed=4, n_estimators=30, max_samples=200, threads=1)
    monkeypatch.setattr(forest._SampleKeepingForest, "_get_estimator",
                        lambda self: forest.IsolationForest._get_estimator(self))
    drawn = forest.fit(data, seed=4, n_estimators=30, max_samples=200, threads=1)
    assert not any(hasattr(est, "samples_") for est in drawn.model.estimators_)
    for X in (data, unseen):
        np.testing.assert_array_equal(forest.score(kept, X)[0], forest.score(drawn, X)[0])
        np.testing.assert_array_equal(forest.score(kept, X)[1], forest.score(drawn, X)[1])
