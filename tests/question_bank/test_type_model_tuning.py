import copy
import json

import pytest
from django.core.exceptions import ValidationError

from question_bank.types import get_type
from question_bank.types.base import InvalidResponse
from question_bank.types.model_tuning import compute_grid, grid_points

TYPE = get_type("model_tuning")
SCORES = {  # (n_neighbors, weights) → cross-validated accuracy
    (1, "uniform"): 0.94,
    (1, "distance"): 0.94,
    (5, "uniform"): 0.9533,
    (5, "distance"): 0.96,
    (15, "uniform"): 0.9667,
    (15, "distance"): 0.9533,
}
RAW = {
    "dataset": "iris",
    "estimator": "knn",
    "metric": "accuracy",
    "cv": 5,
    "params": {"n_neighbors": [1, 5, 15], "weights": ["uniform", "distance"]},
    "target": 0.96,
    # Stored out of order, as an author might paste it.
    "grid": [
        {"params": {"weights": w, "n_neighbors": n}, "score": s}
        for (n, w), s in reversed(SCORES.items())
    ],
}
PAYLOAD = TYPE.validate_payload(RAW)


def changed(**changes):
    return {**copy.deepcopy(RAW), **changes}


def test_grid_points_follow_the_order_of_the_params_and_their_values():
    assert grid_points({"a": [1, 2], "b": [None, "x"]}) == [
        {"a": 1, "b": None},
        {"a": 1, "b": "x"},
        {"a": 2, "b": None},
        {"a": 2, "b": "x"},
    ]


def test_it_puts_the_grid_in_the_order_of_the_params():
    assert [list(point["params"].values()) for point in PAYLOAD["grid"]] == [
        list(key) for key in SCORES
    ]
    assert [point["score"] for point in PAYLOAD["grid"]] == list(SCORES.values())


@pytest.mark.parametrize(
    "payload, field, code",
    [
        (changed(dataset="mnist"), "dataset", "invalid_choice"),
        (changed(estimator="xgboost"), "estimator", "invalid_choice"),
        (changed(metric="roc_auc"), "metric", "invalid_choice"),
        (changed(estimator="ridge"), "estimator", "mismatch"),
        (changed(metric="r2"), "metric", "mismatch"),
        (changed(dataset="diabetes"), "estimator", "mismatch"),
        (changed(cv=1), "cv", "out_of_range"),
        (changed(cv=5.0), "cv", "invalid_type"),
        (changed(params={}), "params", "empty"),
        (changed(params={"n_neighbors": []}), "params.n_neighbors", "too_few"),
        (changed(params={"n_neighbors": [1, 1.0]}), "params.n_neighbors[1]", "duplicate"),
        (changed(params={"n_neighbors": [[1]]}), "params.n_neighbors[0]", "invalid_type"),
        (changed(target="0.9"), "target", "invalid_type"),
        (changed(target=0.97), "target", "unreachable"),
        (changed(grid=RAW["grid"][1:]), "grid", "incomplete"),
        (changed(grid=RAW["grid"] + RAW["grid"][:1]), "grid[6].params", "duplicate"),
        (
            changed(grid=[{"params": {"n_neighbors": 1}, "score": 0.9}]),
            "grid[0].params",
            "invalid_point",
        ),
        (
            changed(grid=[{"params": {"n_neighbors": 2, "weights": "uniform"}, "score": 0.9}]),
            "grid[0].params",
            "invalid_point",
        ),
        (
            changed(grid=[{"params": {"n_neighbors": 1, "weights": "uniform"}, "score": None}]),
            "grid[0].score",
            "invalid_type",
        ),
        (changed(grid=[{"params": {"n_neighbors": 1}}]), "grid[0].score", "required"),
    ],
)
def test_it_rejects_a_malformed_payload_naming_the_field(payload, field, code):
    with pytest.raises(ValidationError) as error:
        TYPE.validate_payload(payload)
    assert [e.code for e in error.value.error_dict[field]] == [code]


def test_the_diabetes_dataset_goes_with_ridge_and_r2():
    payload = changed(
        dataset="diabetes",
        estimator="ridge",
        metric="r2",
        params={"alpha": [1, 10]},
        target=0.4,
        grid=[
            {"params": {"alpha": 1}, "score": 0.4896},
            {"params": {"alpha": 10}, "score": 0.4892},
        ],
    )
    assert TYPE.validate_payload(payload)["estimator"] == "ridge"


def test_the_learner_view_has_the_setting_but_no_grid_or_target():
    view = TYPE.learner_view(PAYLOAD)
    assert view == {key: RAW[key] for key in ["dataset", "estimator", "metric", "cv", "params"]}
    dumped = json.dumps(view)
    assert "grid" not in dumped and "target" not in dumped and "0.96" not in dumped


@pytest.mark.parametrize("response", [{}, None, {"params": None}, {"params": {}}])
def test_it_gives_no_credit_for_an_empty_response(response):
    normalised = TYPE.validate_response(PAYLOAD, response)
    assert normalised == {"params": None}
    score = TYPE.score(PAYLOAD, normalised)
    assert score.fraction == 0.0
    assert score.feedback["chosen"] is None


def test_it_gives_full_credit_for_the_solution_which_is_the_best_point():
    solution = TYPE.solution(PAYLOAD)
    assert solution == {"params": {"n_neighbors": 15, "weights": "uniform"}}
    assert TYPE.score(PAYLOAD, TYPE.validate_response(PAYLOAD, solution)).fraction == 1.0


def test_it_gives_full_credit_for_any_point_that_reaches_the_target():
    chosen = {"n_neighbors": 5, "weights": "distance"}
    score = TYPE.score(PAYLOAD, {"params": chosen})
    assert score.fraction == 1.0
    assert score.feedback["reached"] is True
    assert score.feedback["chosen"] == {"params": chosen, "score": 0.96}


def test_below_the_target_it_gives_half_the_share_of_points_beaten():
    # 0.9533 beats the two points at 0.94: 0.5 × 2/6.
    score = TYPE.score(PAYLOAD, {"params": {"n_neighbors": 15, "weights": "distance"}})
    assert score.fraction == pytest.approx(1 / 6)
    assert score.feedback == {
        "chosen": {"params": {"n_neighbors": 15, "weights": "distance"}, "score": 0.9533},
        "target": 0.96,
        "best": {"params": {"n_neighbors": 15, "weights": "uniform"}, "score": 0.9667},
        "grid": PAYLOAD["grid"],
        "reached": False,
    }


def test_the_worst_point_scores_nothing():
    assert TYPE.score(PAYLOAD, {"params": {"n_neighbors": 1, "weights": "uniform"}}).fraction == 0


def test_it_takes_a_whole_float_for_the_same_number():
    # A browser sends 5.0 and 5 alike; the response keeps the grid's own value.
    response = TYPE.validate_response(
        PAYLOAD, {"params": {"n_neighbors": 5.0, "weights": "uniform"}}
    )
    assert response == {"params": {"n_neighbors": 5, "weights": "uniform"}}


@pytest.mark.parametrize(
    "params",
    [
        {"n_neighbors": 5},
        {"n_neighbors": 7, "weights": "uniform"},
        {"n_neighbors": "5", "weights": "uniform"},
        {"n_neighbors": True, "weights": "uniform"},
        {"n_neighbors": [5], "weights": "uniform"},
        {"n_neighbors": 5, "weights": "uniform", "p": 2},
        [5, "uniform"],
    ],
)
def test_it_rejects_params_that_are_not_a_grid_point(params):
    with pytest.raises(InvalidResponse):
        TYPE.validate_response(PAYLOAD, {"params": params})


def test_compute_grid_reproduces_the_stored_scores():
    pytest.importorskip("sklearn")
    # The first points of the starter bank's iris/knn and diabetes/ridge grids.
    grid = compute_grid(
        "iris", "knn", "accuracy", 5, {"n_neighbors": [1, 5], "weights": ["uniform", "distance"]}
    )
    assert [point["score"] for point in grid] == [0.9467, 0.9467, 0.9533, 0.96]
    assert grid[3]["params"] == {"n_neighbors": 5, "weights": "distance"}
    ridge = compute_grid("diabetes", "ridge", "r2", 5, {"alpha": [1], "fit_intercept": [True]})
    assert ridge == [{"params": {"alpha": 1, "fit_intercept": True}, "score": 0.4896}]
