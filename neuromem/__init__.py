"""neuromem."""
