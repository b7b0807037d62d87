"""Manim scenes: one file per segment under segments/, built from components/ and theme."""
