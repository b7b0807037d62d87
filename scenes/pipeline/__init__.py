"""The render pipeline: picks scenes, quality and output paths, runs them, collects outputs.
It knows nothing about attention."""
