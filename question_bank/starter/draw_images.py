"""Draw the starter bank's bounding-box images and their gold boxes.

The scenes are flat drawings made for this project. Every labelled object is
drawn inside ``scene.labelled(class_key)``, which records the extent of what
is drawn, so the gold boxes and the pixels come from the same code.

    python draw_images.py            # write images/*.png next to this file
    python draw_images.py --boxes    # print the gold boxes as JSON, write nothing

Needs Pillow. The output is deterministic: every scene has its own fixed seed.
"""

import argparse
import json
import math
import random
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 640, 480
SEED = 4040505  # from the occupation code 4-04-05-05
IMAGE_DIR = Path(__file__).resolve().parent / "images"

# A small shared palette keeps the PNGs flat and small.
C = {
    "white": (250, 250, 248),
    "black": (30, 30, 34),
    "grey_dark": (70, 72, 78),
    "grey": (128, 130, 136),
    "grey_light": (196, 198, 202),
    "asphalt": (88, 90, 96),
    "wall": (236, 230, 216),
    "wall_green": (214, 232, 220),
    "sky": (200, 226, 242),
    "floor": (188, 190, 180),
    "tile": (206, 214, 222),
    "wood": (176, 124, 72),
    "wood_light": (214, 172, 118),
    "wood_dark": (122, 80, 44),
    "red": (206, 52, 48),
    "red_dark": (150, 30, 34),
    "orange": (240, 128, 36),
    "yellow": (246, 206, 52),
    "yellow_pale": (250, 226, 120),
    "green": (62, 150, 72),
    "green_dark": (34, 96, 52),
    "blue": (52, 104, 190),
    "blue_light": (120, 170, 226),
    "navy": (36, 52, 98),
    "teal": (40, 150, 150),
    "brown": (110, 70, 40),
    "skin": (232, 190, 150),
    "purple": (120, 80, 160),
    "cardboard": (198, 156, 100),
}


class Scene:
    """A canvas that remembers the extent of each labelled object."""

    def __init__(self, name, title, classes, background):
        self.name = name
        self.title = title
        self.classes = classes
        self.image = Image.new("RGB", (WIDTH, HEIGHT), C[background])
        self.draw = ImageDraw.Draw(self.image)
        self.boxes = []
        self._extent = None

    @contextmanager
    def labelled(self, class_key):
        assert class_key in self.classes, class_key
        self._extent = [math.inf, math.inf, -math.inf, -math.inf]
        yield
        x0, y0, x1, y1 = self._extent
        self._extent = None
        x0, y0 = max(0, math.floor(x0)), max(0, math.floor(y0))
        x1, y1 = min(WIDTH, math.ceil(x1)), min(HEIGHT, math.ceil(y1))
        self.boxes.append({"class": class_key, "x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0})

    def _grow(self, x0, y0, x1, y1):
        if self._extent is not None:
            e = self._extent
            self._extent = [min(e[0], x0), min(e[1], y0), max(e[2], x1), max(e[3], y1)]

    # Pillow's rectangles and ellipses include their last pixel, hence the + 1.
    def rect(self, box, fill, outline=None, width=1, radius=0):
        x0, y0, x1, y1 = box
        fill = C[fill] if fill else None
        outline = C[outline] if outline else None
        if radius:
            self.draw.rounded_rectangle(box, radius, fill=fill, outline=outline, width=width)
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=width)
        self._grow(x0, y0, x1 + 1, y1 + 1)

    def ellipse(self, box, fill, outline=None, width=1):
        x0, y0, x1, y1 = box
        self.draw.ellipse(
            box,
            fill=C[fill] if fill else None,
            outline=C[outline] if outline else None,
            width=width,
        )
        self._grow(x0, y0, x1 + 1, y1 + 1)

    def circle(self, cx, cy, r, fill, outline=None, width=1):
        self.ellipse((cx - r, cy - r, cx + r, cy + r), fill, outline, width)

    def pieslice(self, box, start, end, fill):
        # Only used for upper halves (hard hats), which reach the box's top and sides.
        x0, y0, x1, y1 = box
        self.draw.pieslice(box, start, end, fill=C[fill])
        self._grow(x0, y0, x1 + 1, (y0 + y1) / 2 + 1)

    def polygon(self, points, fill, outline=None):
        self.draw.polygon(points, fill=C[fill], outline=C[outline] if outline else None)
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self._grow(min(xs), min(ys), max(xs) + 1, max(ys) + 1)

    def line(self, points, fill, width=1):
        self.draw.line(points, fill=C[fill], width=width)
        half = width / 2
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        self._grow(min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half)

    def gold(self):
        return {
            "name": self.name,
            "title": self.title,
            "image": f"images/{self.name}.png",
            "width": WIDTH,
            "height": HEIGHT,
            "classes": self.classes,
            "boxes": self.boxes,
        }

    def save(self, directory):
        path = directory / f"{self.name}.png"
        # Flat colours fit in an adaptive palette without loss.
        self.image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(path, optimize=True)
        return path


# --- Objects drawn in more than one scene ------------------------------------


def standing_person(s, cx, feet_y, height, shirt, trousers="navy", hat=None):
    """A front-facing figure, feet at feet_y, about `height` pixels tall."""
    head_r = height * 0.09
    head_cy = feet_y - height + head_r
    neck_y = head_cy + head_r
    hip_y = feet_y - height * 0.45
    half = height * 0.13  # half the shoulder width
    s.rect((cx - half * 0.55, hip_y - 2, cx - 2, feet_y - 4), trousers)
    s.rect((cx + 2, hip_y - 2, cx + half * 0.55, feet_y - 4), trousers)
    s.rect((cx - half * 0.6, feet_y - 6, cx - 1, feet_y - 1), "black")
    s.rect((cx + 1, feet_y - 6, cx + half * 0.6, feet_y - 1), "black")
    s.rect((cx - half, neck_y + 2, cx + half, hip_y), shirt, radius=5)
    arm_w = max(4, round(height * 0.05))
    s.line([(cx - half - arm_w / 2, neck_y + 8), (cx - half - arm_w / 2, hip_y + 6)], shirt, arm_w)
    s.line([(cx + half + arm_w / 2, neck_y + 8), (cx + half + arm_w / 2, hip_y + 6)], shirt, arm_w)
    s.circle(cx, head_cy, head_r, "skin")
    if hat:
        s.pieslice(
            (cx - head_r - 2, head_cy - head_r - 3, cx + head_r + 2, head_cy + head_r),
            180,
            360,
            hat,
        )
    return neck_y, hip_y


def banana(s, cx, cy, radius, start, sweep, thickness):
    """A curved banana: a crescent tapered at both ends along a circular arc."""

    def arc_point(t, r):
        a = math.radians(start + sweep * t)
        return (cx + r * math.cos(a), cy + r * math.sin(a))

    steps = 24
    outer, inner = [], []
    for i in range(steps + 1):
        t = i / steps
        th = 3 + thickness * math.sin(math.pi * t) ** 0.7
        outer.append(arc_point(t, radius))
        inner.append(arc_point(t, radius - th))
    s.polygon(outer + inner[::-1], "yellow", outline="brown")
    # A paler ridge and brown tips make it read as a banana.
    s.line([arc_point(t / 10, radius - thickness * 0.45) for t in range(2, 9)], "yellow_pale", 2)
    for x, y in (outer[0], outer[-1]):
        s.circle(round(x), round(y), 4, "brown")


# --- The scenes ----------------------------------------------------------------


def shelf(rng):
    s = Scene(
        "shelf-01",
        {"zh-Hans": "超市货架", "en": "Supermarket shelf"},
        {
            "bottle": {"zh-Hans": "饮料瓶", "en": "bottle"},
            "carton": {"zh-Hans": "纸盒", "en": "carton"},
        },
        "wall",
    )
    for y in (28, 236, 444):  # shelf boards
        s.rect((18, y, 622, y + 14), "grey_light", outline="grey")
    s.rect((10, 20, 24, 470), "grey")
    s.rect((616, 20, 630, 470), "grey")
    # Price tags on the board edges are not products.
    for x, y in ((70, 238), (330, 238), (520, 238), (120, 446), (400, 446)):
        s.rect((x, y + 2, x + 34, y + 11), "white")
        s.line([(x + 4, y + 6), (x + 24, y + 6)], "red", 2)

    def bottle(x, base_y, w, h, body, cap):
        with s.labelled("bottle"):
            neck_w = w * 0.36
            body_top = base_y - h * 0.68
            s.rect((x, body_top, x + w, base_y - 1), body, radius=8)
            s.polygon(
                [
                    (x + 2, body_top + 8),
                    (x + w - 2, body_top + 8),
                    (x + w / 2 + neck_w / 2, base_y - h * 0.86),
                    (x + w / 2 - neck_w / 2, base_y - h * 0.86),
                ],
                body,
            )
            s.rect(
                (
                    x + w / 2 - neck_w / 2,
                    base_y - h * 0.93,
                    x + w / 2 + neck_w / 2,
                    base_y - h * 0.84,
                ),
                body,
            )
            s.rect(
                (
                    x + w / 2 - neck_w / 2 - 2,
                    base_y - h,
                    x + w / 2 + neck_w / 2 + 2,
                    base_y - h * 0.92,
                ),
                cap,
            )
            s.rect((x + 3, base_y - h * 0.5, x + w - 3, base_y - h * 0.3), "white")

    def carton(x, base_y, w, h, colour):
        with s.labelled("carton"):
            s.rect((x, base_y - h, x + w, base_y - 1), colour, outline="grey_dark")
            s.rect((x + 8, base_y - h * 0.7, x + w - 8, base_y - h * 0.35), "white")
            s.circle(x + w / 2, base_y - h * 0.52, min(w, h) * 0.1, colour)
            s.line([(x, base_y - h + 10), (x + w, base_y - h + 10)], "grey_dark", 1)

    upper, lower = 235, 443
    bottle(48, upper, 48, 150, "green", "red")
    bottle(124, upper, 54, 160, "blue_light", "white")
    carton(214, upper, 118, 128, "orange")
    bottle(372, upper, 46, 140, "red", "yellow")
    carton(456, upper, 96, 150, "teal")
    carton(46, lower, 130, 110, "yellow")
    carton(212, lower, 104, 150, "purple")
    bottle(372 + rng.randint(0, 30), lower, 58, 176, "green_dark", "white")
    return s


def parking(rng):
    s = Scene(
        "parking-01",
        {"zh-Hans": "停车场俯视图", "en": "Car park from above"},
        {
            "car": {"zh-Hans": "汽车", "en": "car"},
            "bicycle": {"zh-Hans": "自行车", "en": "bicycle"},
        },
        "asphalt",
    )
    slot_w, top, bottom = 100, (24, 196), (284, 456)
    for row in (top, bottom):
        for i in range(6):
            x = 10 + i * slot_w
            s.line([(x, row[0]), (x, row[1])], "white", 3)
        edge = row[0] if row is top else row[1]
        s.line([(10, edge), (510, edge)], "white", 3)
    # A painted bicycle bay on the right and a lane arrow in the middle.
    s.rect((530, 24, 630, 456), "grey_dark")
    s.line([(530, 24), (530, 456)], "yellow", 3)
    s.polygon(
        [(200, 236), (300, 236), (300, 228), (324, 240), (300, 252), (300, 244), (200, 244)],
        "white",
    )
    s.ellipse((334, 82, 384, 124), "black")  # oil stain in an empty slot

    def car(x, y, colour, facing_up):
        with s.labelled("car"):
            s.rect((x, y, x + 72, y + 150), colour, outline="black", radius=18)
            front, back = (y + 24, y + 44), (y + 112, y + 128)
            if not facing_up:
                front, back = (y + 106, y + 126), (y + 22, y + 38)
            s.rect((x + 10, front[0], x + 62, front[1]), "grey_dark", radius=4)
            s.rect((x + 12, back[0], x + 60, back[1]), "grey_dark", radius=4)
            roof = (min(front[1], back[1]) + 4, max(front[0], back[0]) - 4)
            s.rect((x + 12, roof[0], x + 60, roof[1]), "grey_light", radius=4)

    def bicycle(cx, y):
        with s.labelled("bicycle"):
            s.ellipse((cx - 5, y, cx + 5, y + 36), "black")  # front wheel
            s.ellipse((cx - 5, y + 46, cx + 5, y + 82), "black")  # back wheel
            s.line([(cx, y + 18), (cx, y + 64)], "red", 4)  # frame
            s.line([(cx - 16, y + 10), (cx + 16, y + 10)], "grey_light", 3)  # handlebar
            s.ellipse((cx - 5, y + 46, cx + 5, y + 60), "brown")  # saddle

    car(24, 36, "red", True)
    car(126, 36, "white", True)
    car(426, 36, "blue", True)
    car(226 + rng.randint(-4, 4), 294, "yellow", False)
    car(326, 294, "grey_light", False)
    bicycle(560, 44)
    bicycle(602, 150)
    bicycle(566, 330)
    return s


def warehouse(rng):
    s = Scene(
        "warehouse-01",
        {"zh-Hans": "仓库地面", "en": "Warehouse floor"},
        {
            "pallet": {"zh-Hans": "托盘", "en": "pallet"},
            "person": {"zh-Hans": "人员", "en": "person"},
        },
        "floor",
    )
    s.rect((0, 0, 639, 170), "grey_light")
    for x in range(0, 640, 160):  # racking along the back wall
        s.rect((x + 10, 20, x + 150, 160), None, outline="blue", width=4)
        s.line([(x + 10, 90), (x + 150, 90)], "orange", 4)
    s.line([(0, 300), (639, 300)], "yellow", 5)  # walkway marking
    s.line([(0, 456), (639, 456)], "yellow", 5)

    def pallet(x, base_y, w, layers):
        with s.labelled("pallet"):
            s.rect((x, base_y - 6, x + w, base_y - 1), "wood_dark")
            for bx in (x, x + w / 2 - 8, x + w - 16):
                s.rect((bx, base_y - 20, bx + 16, base_y - 6), "wood")
            s.rect((x, base_y - 28, x + w, base_y - 20), "wood_light", outline="wood_dark")
            box_w = w / 2
            for layer in range(layers):
                top = base_y - 28 - (layer + 1) * 44
                for i in range(2):
                    s.rect(
                        (x + i * box_w, top, x + (i + 1) * box_w - 1, top + 43),
                        "cardboard",
                        outline="brown",
                    )
                    s.line(
                        [(x + i * box_w + 6, top + 10), (x + (i + 1) * box_w - 8, top + 10)],
                        "brown",
                        2,
                    )

    pallet(30, 286, 130, 2)
    pallet(430, 262, 140, 1)
    pallet(270 + rng.randint(-6, 6), 440, 150, 0)
    with s.labelled("person"):
        standing_person(s, 300, 290, 150, "orange", hat="yellow")
    with s.labelled("person"):
        standing_person(s, 200, 446, 176, "orange", hat="yellow")
    with s.labelled("person"):
        standing_person(s, 540, 450, 170, "yellow", trousers="grey_dark", hat="white")
    return s


def crossing(rng):
    s = Scene(
        "crossing-01",
        {"zh-Hans": "人行横道", "en": "Pedestrian crossing"},
        {
            "pedestrian": {"zh-Hans": "行人", "en": "pedestrian"},
            "traffic_light": {"zh-Hans": "交通信号灯", "en": "traffic light"},
        },
        "sky",
    )
    for x, w, h in ((0, 120, 150), (130, 150, 190), (300, 110, 130), (420, 220, 170)):
        s.rect((x, 230 - h, x + w, 229), "grey_light", outline="grey")
        for wx in range(x + 12, x + w - 20, 28):
            for wy in range(230 - h + 14, 215, 34):
                s.rect((wx, wy, wx + 14, wy + 18), "blue_light")
    s.rect((0, 230, 639, 262), "tile")  # pavement
    s.rect((0, 263, 639, 479), "asphalt")
    for x in range(20, 640, 56):  # the zebra stripes
        s.polygon([(x, 300), (x + 32, 300), (x + 40, 470), (x - 8, 470)], "white")
    # A round parking sign on its own pole: a distractor, not a traffic light.
    s.rect((300, 150, 304, 262), "grey_dark")
    s.circle(302, 140, 16, "blue", outline="red", width=4)

    def traffic_light(x, top, lit):
        s.rect((x + 13, top + 90, x + 19, 262), "grey_dark")  # the pole is not part of the box
        with s.labelled("traffic_light"):
            s.rect((x, top, x + 32, top + 92), "black", radius=5)
            for i, colour in enumerate(("red", "yellow", "green")):
                s.circle(x + 16, top + 16 + i * 30, 11, colour if colour == lit else "grey_dark")

    traffic_light(30, 64, "red")
    traffic_light(584, 54, "red")
    for cx, feet, h, shirt in (
        (130, 420, 140, "blue"),
        (250, 452, 160, "red"),
        (390, 400, 128, "green"),
        (500, 460, 170, "purple"),
    ):
        with s.labelled("pedestrian"):
            standing_person(s, cx + rng.randint(-3, 3), feet, h, shirt)
    return s


def desk(rng):
    s = Scene(
        "desk-01",
        {"zh-Hans": "办公桌面", "en": "Office desk"},
        {
            "laptop": {"zh-Hans": "笔记本电脑", "en": "laptop"},
            "cup": {"zh-Hans": "杯子", "en": "cup"},
        },
        "wall",
    )
    s.rect((0, 330, 639, 479), "wood_light")
    s.line([(0, 330), (639, 330)], "wood_dark", 4)
    # Distractors: a desk lamp, a stack of books and a pen holder, which is not a cup.
    s.rect((14, 318, 58, 329), "black")
    s.line([(36, 318), (60, 200), (30, 150)], "black", 5)
    s.polygon([(12, 140), (48, 140), (42, 176), (18, 176)], "yellow")
    s.rect((70, 292, 160, 309), "blue")
    s.rect((76, 310, 154, 329), "red")
    s.rect((598, 270, 630, 329), "grey_dark")
    for px, colour in ((604, "red"), (614, "blue"), (623, "black")):
        s.line([(px, 246), (px, 272)], colour, 3)

    def laptop(x, base_y, w):
        with s.labelled("laptop"):
            screen_h = w * 0.62
            s.rect((x + 8, base_y - 12 - screen_h, x + w - 8, base_y - 12), "grey_dark", radius=6)
            s.rect((x + 16, base_y - 4 - screen_h, x + w - 16, base_y - 20), "blue_light")
            s.polygon(
                [(x + 8, base_y - 12), (x + w - 8, base_y - 12), (x + w, base_y), (x, base_y)],
                "grey",
            )

    def mug(x, base_y, colour):
        with s.labelled("cup"):
            s.rect((x, base_y - 54, x + 44, base_y), colour, radius=6)
            s.ellipse((x + 34, base_y - 44, x + 60, base_y - 14), None, outline=colour, width=6)

    def paper_cup(x, base_y):
        with s.labelled("cup"):
            s.polygon(
                [(x, base_y - 70), (x + 46, base_y - 70), (x + 38, base_y), (x + 8, base_y)],
                "white",
                outline="grey",
            )
            s.rect((x - 3, base_y - 78, x + 49, base_y - 70), "brown")
            s.rect((x + 6, base_y - 46, x + 40, base_y - 30), "orange")

    laptop(170, 372, 190)
    laptop(380, 350 + rng.randint(0, 4), 150)
    mug(52, 420, "red")
    paper_cup(440, 452)
    mug(540, 396, "teal")
    return s


def fruit(rng):
    s = Scene(
        "fruit-01",
        {"zh-Hans": "水果筐", "en": "Fruit crate"},
        {
            "apple": {"zh-Hans": "苹果", "en": "apple"},
            "banana": {"zh-Hans": "香蕉", "en": "banana"},
        },
        "grey_light",
    )
    s.rect((40, 30, 600, 450), "wood", outline="wood_dark", width=4)
    s.rect((64, 54, 576, 426), "wood_light")
    for y in range(54, 426, 62):
        s.line([(64, y), (576, y)], "wood", 3)
    s.ellipse((90, 370, 140, 394), "green_dark")  # a loose leaf

    def apple(cx, cy, r, colour):
        with s.labelled("apple"):
            s.circle(cx, cy, r, colour, outline="red_dark", width=2)
            s.ellipse((cx - r * 0.5, cy - r * 0.55, cx - r * 0.2, cy - r * 0.2), "white")
            s.line([(cx, cy - r * 0.2), (cx + 3, cy - r * 0.05)], "brown", 3)
            s.ellipse((cx + 4, cy - r * 0.35, cx + 18, cy - r * 0.12), "green")

    apple(130, 120, 36, "red")
    apple(232, 132, 34, "red")
    apple(120 + rng.randint(-3, 3), 252, 38, "red_dark")
    apple(480, 110, 35, "red")
    apple(380, 262, 33, "green")
    with s.labelled("banana"):
        banana(s, 350, 40, 110, 50, 80, 30)
    with s.labelled("banana"):
        banana(s, 320, 470, 110, 230, 80, 28)
    with s.labelled("banana"):
        banana(s, 580, 350, 110, 140, 80, 28)
    return s


def conveyor(rng):
    s = Scene(
        "conveyor-01",
        {"zh-Hans": "传送带质检", "en": "Conveyor inspection"},
        {
            "normal": {"zh-Hans": "合格件", "en": "normal part"},
            "defective": {"zh-Hans": "缺陷件", "en": "defective part"},
        },
        "grey_light",
    )
    s.rect((0, 100, 639, 120), "grey")
    s.rect((0, 360, 639, 380), "grey")
    s.rect((0, 121, 639, 359), "grey_dark")
    for x in range(0, 640, 40):
        s.line([(x, 121), (x, 359)], "asphalt", 2)
    for x in (60, 300, 540):  # direction arrows printed on the frame
        s.polygon(
            [
                (x, 386),
                (x + 40, 386),
                (x + 40, 380),
                (x + 56, 392),
                (x + 40, 404),
                (x + 40, 398),
                (x, 398),
            ],
            "yellow",
        )

    def flange(cx, cy, r, defect=None):
        with s.labelled("defective" if defect else "normal"):
            s.circle(cx, cy, r, "grey_light", outline="black", width=2)
            s.circle(cx, cy, r * 0.35, "grey_dark")
            for k in range(4):
                a = math.radians(45 + 90 * k)
                s.circle(cx + r * 0.65 * math.cos(a), cy + r * 0.65 * math.sin(a), 4, "grey_dark")
        if defect == "notch":  # a bite out of the rim, away from the box edges
            a = math.radians(45)
            nx, ny = cx + r * math.cos(a), cy + r * math.sin(a)
            s.polygon([(nx + 6, ny + 6), (nx - 16, ny - 2), (nx - 2, ny - 16)], "grey_dark")
        if defect == "crack":
            s.line(
                [
                    (cx - r * 0.3, cy - r * 0.9),
                    (cx - r * 0.1, cy - r * 0.55),
                    (cx - r * 0.35, cy - r * 0.45),
                    (cx - r * 0.1, cy - r * 0.15),
                ],
                "black",
                3,
            )

    flange(70, 180, 38)
    flange(180, 290, 40, "crack")
    flange(290, 176, 38)
    flange(400 + rng.randint(-3, 3), 292, 39)
    flange(500, 182, 38, "notch")
    flange(590, 294, 37)
    return s


def clinic(rng):
    s = Scene(
        "clinic-01",
        {"zh-Hans": "诊所候诊区", "en": "Clinic waiting area"},
        {"chair": {"zh-Hans": "椅子", "en": "chair"}, "person": {"zh-Hans": "人", "en": "person"}},
        "wall_green",
    )
    s.rect((0, 330, 639, 479), "tile")
    for x in range(0, 640, 80):
        s.line([(x, 330), (x, 479)], "grey_light", 2)
    # Distractors: a clock and a notice board.
    s.circle(320, 60, 26, "white", outline="black", width=3)
    s.line([(320, 60), (320, 42)], "black", 3)
    s.line([(320, 60), (334, 66)], "black", 3)
    s.rect((400, 40, 500, 120), "white", outline="blue", width=3)
    for y in (60, 80, 100):
        s.line([(414, y), (486, y)], "grey", 3)

    seat_y = 330

    def chair(x):
        with s.labelled("chair"):
            s.rect((x, seat_y - 110, x + 80, seat_y - 40), "blue", radius=6)  # backrest
            s.rect((x - 4, seat_y - 44, x + 84, seat_y - 26), "navy")  # seat
            s.rect((x + 4, seat_y - 26, x + 10, seat_y + 40), "grey_dark")
            s.rect((x + 70, seat_y - 26, x + 76, seat_y + 40), "grey_dark")

    def seated_person(cx, shirt):
        with s.labelled("person"):
            s.rect((cx - 22, seat_y - 40, cx - 4, seat_y + 36), "navy")  # legs
            s.rect((cx + 4, seat_y - 40, cx + 22, seat_y + 36), "navy")
            s.rect((cx - 24, seat_y + 34, cx - 2, seat_y + 42), "black")
            s.rect((cx + 2, seat_y + 34, cx + 24, seat_y + 42), "black")
            s.rect((cx - 24, seat_y - 120, cx + 24, seat_y - 38), shirt, radius=6)
            s.line([(cx - 28, seat_y - 112), (cx - 28, seat_y - 50)], shirt, 8)
            s.line([(cx + 28, seat_y - 112), (cx + 28, seat_y - 50)], shirt, 8)
            s.circle(cx, seat_y - 140, 18, "skin")

    xs = [30, 130, 230, 330, 430]
    for x in xs:
        chair(x)
    seated_person(xs[1] + 40, "orange")
    seated_person(xs[3] + 40 + rng.randint(-2, 2), "purple")
    with s.labelled("person"):
        standing_person(s, 580, 460, 200, "red")
    return s


SCENES = [shelf, parking, warehouse, crossing, desk, fruit, conveyor, clinic]


def draw_all():
    scenes = []
    for index, build in enumerate(SCENES):
        scenes.append(build(random.Random(SEED + index)))
    return scenes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--boxes", action="store_true", help="print the gold boxes as JSON and write no image"
    )
    args = parser.parse_args()
    scenes = draw_all()
    if args.boxes:
        print(json.dumps([s.gold() for s in scenes], ensure_ascii=False, indent=1))
        return
    IMAGE_DIR.mkdir(exist_ok=True)
    for s in scenes:
        path = s.save(IMAGE_DIR)
        print(f"{path.name}: {path.stat().st_size // 1024} KB, {len(s.boxes)} boxes")


if __name__ == "__main__":
    main()
