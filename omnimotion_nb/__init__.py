"""omnimotion_nb: OmniMotion built step by step in notebooks. `from omnimotion_nb import *` gives the public API."""
__version__ = "0.0.1"

# Written by hand (not exported): re-export each module's public names, in reading order.
from .data import *
from .synthetic import *
from .tapvid import *
from .metrics import *
from .flow import *
from .homography import *
from .baselines import *
from .volume import *
from .bijections import *
from .render import *
from .losses import *
from .occlusion import *
from .refine import *
from .train import *
from .evaluate import *
from .cli import *
try:
    from .widgets import *
except ImportError as _e:   # a headless install (a GPU box, a Ray worker) without the notebook stack still trains and tracks
    _WIDGETS_ERROR = _e
    def __getattr__(name):
        raise AttributeError(f"omnimotion_nb has no {name!r}; if it is a widget, the widgets could not be imported: {_WIDGETS_ERROR}")
