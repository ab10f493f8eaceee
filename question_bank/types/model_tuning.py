import itertools

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    duplicate_error,
    expect,
    expect_between,
    expect_choice,
    expect_list,
    expect_object,
    expect_text,
    form_json,
    is_number,
    payload_error,
    response_fields,
)

DATASETS = ["breast_cancer", "wine", "iris", "digits", "diabetes"]
ESTIMATORS = ["logistic_regression", "decision_tree", "random_forest", "knn", "svc", "ridge"]
METRICS = ["accuracy", "f1_macro", "r2"]
# The one regression setting; every other estimator is a classifier on a classification set.
REGRESSION = {"dataset": "diabetes", "estimator": "ridge", "metric": "r2"}


class ModelTuning(QuestionType):
    key = "model_tuning"
    label = gettext_lazy("Model tuning")
    category = "practical"

    def validate_payload(self, payload):
        expect_object(
            payload,
            "",
            required=["dataset", "estimator", "metric", "cv", "params", "target", "grid"],
        )
        setting = {
            "dataset": expect_choice(payload["dataset"], DATASETS, "dataset"),
            "estimator": expect_choice(payload["estimator"], ESTIMATORS, "estimator"),
            "metric": expect_choice(payload["metric"], METRICS, "metric"),
        }
        for field in ["estimator", "metric"]:
            if (setting[field] == REGRESSION[field]) != (
                setting["dataset"] == REGRESSION["dataset"]
            ):
                raise payload_error(
                    field,
                    gettext_lazy("%(field)s does not fit: diabetes goes with ridge and r2 only."),
                    "mismatch",
                )
        cv = expect_between(payload["cv"], "integer", "cv", 2, 10)
        params = _checked_params(payload["params"])
        grid = _checked_grid(payload["grid"], params)
        target = expect(payload["target"], "number", "target")
        best = _best(grid)["score"]
        if target > best:
            raise payload_error(
                "target",
                gettext_lazy("%(field)s is above the best score of the grid (%(best)s)."),
                "unreachable",
                best=best,
            )
        return {
            **setting,
            "cv": cv,
            "params": params,
            "target": target,
            "grid": grid,
        }

    def learner_view(self, payload):
        return {key: payload[key] for key in ["dataset", "estimator", "metric", "cv", "params"]}

    def validate_response(self, payload, response):
        chosen = response_fields(response, ["params"]).get("params")
        if chosen is None or chosen == {}:
            return {"params": None}
        if not isinstance(chosen, dict):
            raise InvalidResponse(_("The parameters must be an object of name and value."))
        params = payload["params"]
        for name, value in chosen.items():
            if name not in params:
                raise InvalidResponse(_("%(name)s is not a parameter here.") % {"name": name})
            if not _is_scalar(value) or _choice_key(value) not in map(_choice_key, params[name]):
                raise InvalidResponse(
                    _("%(value)s is not a value offered for %(name)s.")
                    % {"value": value, "name": name}
                )
        if len(chosen) != len(params):
            raise InvalidResponse(_("Choose a value for every parameter."))
        # The grid's own values, so that 10 and 10.0 (the same in JSON) look the same.
        return {
            "params": {
                name: next(v for v in values if _choice_key(v) == _choice_key(chosen[name]))
                for name, values in params.items()
            }
        }

    def score(self, payload, response):
        grid = payload["grid"]
        feedback = {"chosen": None, "target": payload["target"], "best": _best(grid), "grid": grid}
        if not response.get("params"):
            return Score(fraction=0.0, feedback={**feedback, "reached": False})
        key = _point_key(response["params"])
        chosen = next(point for point in grid if _point_key(point["params"]) == key)
        reached = chosen["score"] >= payload["target"]
        if reached:
            fraction = 1.0
        else:
            # Below the target, up to half the points for beating the other grid points.
            beaten = sum(point["score"] < chosen["score"] for point in grid)
            fraction = 0.5 * beaten / len(grid)
        return Score(fraction=fraction, feedback={**feedback, "chosen": chosen, "reached": reached})

    def solution(self, payload):
        return {"params": dict(_best(payload["grid"])["params"])}

    def response_from_form(self, payload, data):
        # Each option's value is the JSON of the value it offers, so null, true and 10 differ.
        chosen = {}
        for name in payload["params"]:
            if data.get(f"param-{name}", "").strip():
                chosen[name] = form_json(data, f"param-{name}")
        return {"params": chosen} if chosen else {}


def compute_grid(dataset, estimator, metric, cv, params):
    """Cross-validate every point of the params grid: the scores a payload's grid stores.

    scikit-learn is imported here because only the machine that computes the grids
    (manage.py compute_tuning_grids) needs it; marking is a look-up in the stored grid.
    """
    from sklearn import datasets
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    from sklearn.tree import DecisionTreeClassifier

    estimators = {
        "logistic_regression": LogisticRegression,
        "decision_tree": DecisionTreeClassifier,
        "random_forest": RandomForestClassifier,
        "knn": KNeighborsClassifier,
        "svc": SVC,
        "ridge": Ridge,
    }
    X, y = getattr(datasets, f"load_{dataset}")(return_X_y=True)
    if estimator == "ridge":
        split = KFold(cv, shuffle=True, random_state=0)
    else:
        split = StratifiedKFold(cv, shuffle=True, random_state=0)
    grid = []
    for point in grid_points(params):
        kwargs = dict(point)
        if estimator == "logistic_regression":
            kwargs.setdefault("max_iter", 2000)
        if estimator in ["decision_tree", "random_forest", "logistic_regression"]:
            kwargs["random_state"] = 0
        model = make_pipeline(StandardScaler(), estimators[estimator](**kwargs))
        scores = cross_val_score(model, X, y, cv=split, scoring=metric)
        grid.append({"params": point, "score": round(float(scores.mean()), 4)})
    return grid


def grid_points(params):
    """Every combination of the params' values, in the order of params and of their lists."""
    return [
        dict(zip(params, values, strict=True)) for values in itertools.product(*params.values())
    ]


def _best(grid):
    """The grid point with the highest score (the first of equals)."""
    return max(grid, key=lambda point: point["score"])


def _is_scalar(value):
    return value is None or isinstance(value, str | bool) or is_number(value)


def _choice_key(value):
    # JSON has one kind of number, so 10 and 10.0 are one choice; but true is not 1.
    return isinstance(value, bool), value


def _point_key(point):
    return tuple(sorted((name, _choice_key(value)) for name, value in point.items()))


def _checked_params(params):
    expect(params, "object", "params")
    if not params:
        raise payload_error("params", gettext_lazy("%(field)s must not be empty."), "empty")
    for name, values in params.items():
        path = f"params.{name}"
        expect_text(name, path)
        seen = set()
        for i, value in enumerate(expect_list(values, path)):
            if not _is_scalar(value):
                raise payload_error(
                    f"{path}[{i}]",
                    gettext_lazy("%(field)s must be text, a number, true/false or null."),
                    "invalid_type",
                )
            if _choice_key(value) in seen:
                raise duplicate_error(f"{path}[{i}]")
            seen.add(_choice_key(value))
    return {name: list(values) for name, values in params.items()}


def _checked_grid(grid, params):
    """The grid with exactly one scored point per combination of params, in their order."""
    points = {_point_key(point): point for point in grid_points(params)}
    scores = {}
    for i, entry in enumerate(expect(grid, "list", "grid")):
        path = f"grid[{i}]"
        expect_object(entry, path, required=["params", "score"])
        expect(entry["params"], "object", f"{path}.params")
        if sorted(entry["params"]) != sorted(params) or not all(
            map(_is_scalar, entry["params"].values())
        ):
            raise payload_error(
                f"{path}.params",
                gettext_lazy("%(field)s must give one value for each of: %(names)s."),
                "invalid_point",
                names=", ".join(params),
            )
        key = _point_key(entry["params"])
        if key not in points:
            raise payload_error(
                f"{path}.params",
                gettext_lazy("%(field)s is not a combination of the params' values."),
                "invalid_point",
            )
        if key in scores:
            raise duplicate_error(f"{path}.params")
        scores[key] = expect(entry["score"], "number", f"{path}.score")
    for key, point in points.items():
        if key not in scores:
            raise payload_error(
                "grid",
                gettext_lazy("%(field)s has no score for %(point)s."),
                "incomplete",
                point=point,
            )
    return [{"params": point, "score": scores[key]} for key, point in points.items()]
