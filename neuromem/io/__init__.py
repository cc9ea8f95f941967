"""Plain data that runs produce, and the files they go to.

- :class:`Results`: the base of every experiment's results (strict-JSON
  ``metrics.json``, arrays, a recording, a versioned schema; atomic save / load).
- :class:`Recording`: what a run recorded (spikes of every population,
  membrane potentials, stimulus epochs, annotations), asked for with a
  :class:`RecordingRequest`.
- Formats for recordings, chosen by name: ``npz`` (neuromem's own), ``neo``
  (NIX), ``nwb``; :func:`export_results` is ``neuromem export``.

This layer needs only numpy, :mod:`neuromem.coding` and atomic writes; the
Neo and NWB libraries are imported when their format is used.
"""

from neuromem.io.assemble import concatenate_recordings, split_populations
from neuromem.io.epochs import StimulusEpochs, epochs_from_trials
from neuromem.io.export import export_results, find_recording
from neuromem.io.formats import (
    FORMATS,
    FormatUnavailable,
    format_names,
    format_status,
    read_recording,
    register_format,
    write_recording,
)
from neuromem.io.recording import MembraneTrace, Recording
from neuromem.io.request import RecordingRequest
from neuromem.io.results import METRICS_FILE, RECORDING_FILE, Results, Schema, SchemaError, read_schema
from neuromem.io.strict_json import Missing

__all__ = [
    "FORMATS", "FormatUnavailable", "METRICS_FILE", "MembraneTrace", "Missing", "RECORDING_FILE", "Recording",
    "RecordingRequest", "Results", "Schema", "SchemaError", "StimulusEpochs", "concatenate_recordings",
    "epochs_from_trials",
    "export_results", "find_recording", "format_names", "format_status", "read_recording", "read_schema",
    "register_format", "split_populations", "write_recording",
]
