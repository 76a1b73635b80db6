"""The tidy layer: one canonical long table rebuilt from the raw snapshots, and its helpers.

``from helpers import tidy`` then ``tidy.load(...)``, ``tidy.economies()``, ``tidy.build()``.
``tidy.load("IT.NET.USER.ZS", economies="LDC", groups=True)`` loads a group's members; an
unknown series or economy stops with a "did you mean" (``helpers.catalogue.search`` finds ids).
"""

from helpers.catalogue import how_to_obtain
from helpers.tidy.tables import TABLES, build, economies, is_current, load

__all__ = ["TABLES", "build", "economies", "how_to_obtain", "is_current", "load"]
