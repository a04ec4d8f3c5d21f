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
from .train import *
from .evaluate import *
from .cli import *
from .widgets import *
