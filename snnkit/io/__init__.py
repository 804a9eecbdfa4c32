"""HDF5 output in the SONATA layout, and its reader."""

from .hdf5 import SonataWriter, report_path
from .reader import load

__all__ = ["SonataWriter", "report_path", "load"]
