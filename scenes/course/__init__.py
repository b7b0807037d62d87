"""Whole courses: a course file of lessons rendered on a Dask cluster into media/<course>/."""
