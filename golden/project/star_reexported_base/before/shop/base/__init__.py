from .controllers import *
