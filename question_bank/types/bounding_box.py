import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from question_bank.types.base import (
    InvalidResponse,
    QuestionType,
    Score,
    duplicate_error,
    expect_between,
    expect_choice,
    expect_list,
    expect_names,
    expect_object,
    expect_positive,
    expect_text,
    f1,
    form_json,
    is_number,
    payload_error,
    response_fields,
)

_BOX_FIELDS = ["class", "x", "y", "w", "h"]
MAX_IMAGE_SIZE = 4096
# A drawn box may stick out of the image by this many pixels (a drag to the very edge).
EDGE_TOLERANCE = 1


class BoundingBox(QuestionType):
    key = "bounding_box"
    label = gettext_lazy("Bounding boxes")
    category = "practical"

    def validate_payload(self, payload):
        expect_object(
            payload,
            "",
            required=["image", "width", "height", "classes", "gold"],
            optional=["iou_threshold"],
        )
        # The image is an asset reference by now; the importer has checked the file.
        expect_text(payload["image"], "image")
        width = expect_between(payload["width"], "integer", "width", 1, MAX_IMAGE_SIZE)
        height = expect_between(payload["height"], "integer", "height", 1, MAX_IMAGE_SIZE)
        classes = expect_names(payload["classes"], "classes")
        threshold = expect_positive(payload.get("iou_threshold", 0.5), "number", "iou_threshold")
        expect_between(threshold, "number", "iou_threshold", 0, 1)
        gold = []
        for i, box in enumerate(expect_list(payload["gold"], "gold")):
            path = f"gold[{i}]"
            expect_object(box, path, required=_BOX_FIELDS)
            expect_choice(box["class"], classes, f"{path}.class")
            for field in ["x", "y"]:
                expect_between(box[field], "number", f"{path}.{field}", 0)
            for field in ["w", "h"]:
                expect_positive(box[field], "number", f"{path}.{field}")
            if box["x"] + box["w"] > width or box["y"] + box["h"] > height:
                raise payload_error(
                    path,
                    gettext_lazy("%(field)s lies outside the %(width)s×%(height)s image."),
                    "outside",
                    width=width,
                    height=height,
                )
            box = {field: box[field] for field in _BOX_FIELDS}
            if box in gold:
                raise duplicate_error(path)
            gold.append(box)
        return {
            "image": payload["image"],
            "width": width,
            "height": height,
            "classes": classes,
            "iou_threshold": threshold,
            "gold": gold,
        }

    def learner_view(self, payload):
        return {
            key: payload[key] for key in ["image", "width", "height", "classes", "iou_threshold"]
        }

    def validate_response(self, payload, response):
        boxes = response_fields(response, ["boxes"]).get("boxes", [])
        if not isinstance(boxes, list):
            raise InvalidResponse(_("The boxes must be a list."))
        for box in boxes:
            if not isinstance(box, dict) or sorted(box) != sorted(_BOX_FIELDS):
                raise InvalidResponse(_("Each box needs class, x, y, w and h, no more."))
            if box["class"] not in payload["classes"]:
                raise InvalidResponse(
                    _("%(class)s is not one of the classes.") % {"class": box["class"]}
                )
            if not all(is_number(box[field]) for field in ["x", "y", "w", "h"]):
                raise InvalidResponse(_("A box's x, y, w and h must be numbers."))
            if not _inside(box, payload["width"], payload["height"]):
                raise InvalidResponse(_("A box lies outside the image or has no area."))
        # Two boxes of one class can both be meant, so nothing is merged or dropped.
        return {"boxes": [{field: box[field] for field in _BOX_FIELDS} for box in boxes]}

    def score(self, payload, response):
        gold = payload["gold"]
        drawn = response.get("boxes", [])
        threshold = payload["iou_threshold"]
        candidates = []
        for i, g in enumerate(gold):
            for j, d in enumerate(drawn):
                overlap = iou(g, d) if g["class"] == d["class"] else 0.0
                # isclose keeps an IoU of exactly the threshold from falling below it by rounding.
                if overlap >= threshold or math.isclose(overlap, threshold):
                    candidates.append((-overlap, i, j))
        # Greedy one-to-one matching, best IoU first.
        matches, matched_gold, matched_drawn = [], set(), set()
        for negative_overlap, i, j in sorted(candidates):
            if i not in matched_gold and j not in matched_drawn:
                matches.append({"gold": i, "drawn": j, "iou": -negative_overlap})
                matched_gold.add(i)
                matched_drawn.add(j)
        precision, recall, f = f1(len(matches), len(drawn), len(gold))
        return Score(
            fraction=f,
            feedback={
                "precision": precision,
                "recall": recall,
                "f1": f,
                "matches": sorted(matches, key=lambda m: m["gold"]),
                "missed_gold": [i for i in range(len(gold)) if i not in matched_gold],
                "spurious_drawn": [j for j in range(len(drawn)) if j not in matched_drawn],
                "gold": gold,
                "drawn": drawn,
            },
        )

    def solution(self, payload):
        return {"boxes": [dict(box) for box in payload["gold"]]}

    def response_from_form(self, payload, data):
        # One hidden field holds every box, kept up to date by the box drawing widget.
        boxes = form_json(data, "boxes")
        return {} if boxes is None else {"boxes": boxes}


def iou(a, b):
    """Intersection over union of two boxes given as x, y (top left), w, h."""
    overlap_w = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
    overlap_h = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
    if overlap_w <= 0 or overlap_h <= 0:
        return 0.0
    intersection = overlap_w * overlap_h
    return intersection / (a["w"] * a["h"] + b["w"] * b["h"] - intersection)


def _inside(box, width, height):
    return (
        box["w"] > 0
        and box["h"] > 0
        and box["x"] >= -EDGE_TOLERANCE
        and box["y"] >= -EDGE_TOLERANCE
        and box["x"] + box["w"] <= width + EDGE_TOLERANCE
        and box["y"] + box["h"] <= height + EDGE_TOLERANCE
    )
