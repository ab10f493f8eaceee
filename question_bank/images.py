"""Checks for the pictures of box-labeling tasks, whether uploaded or imported."""

import hashlib
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4096
CONTENT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def inspect_image(data):
    """Return (content_type, width, height, sha1) of an acceptable picture, or raise
    ValidationError saying what is wrong with it."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)s MB.") % {"limit": MAX_IMAGE_BYTES // 2**20},
            code="image_too_large",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(
                    _("The image is %(w)s×%(h)s pixels; the limit is %(max)s on each side.")
                    % {"w": width, "h": height, "max": MAX_SIDE},
                    code="image_too_wide",
                )
            image.verify()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(_("The file is not a readable image."), code="not_an_image") from None
    if kind not in CONTENT_TYPES:
        raise ValidationError(
            _("Use a PNG, JPEG or WebP image, not %(kind)s.") % {"kind": kind},
            code="image_type",
        )
    return CONTENT_TYPES[kind], width, height, hashlib.sha1(data).hexdigest()
