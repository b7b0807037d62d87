"""The scene every segment builds on: the active trace, the theme, and sections that
leave a still, a subcaption and a record of what was on screen."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from manim import Scene, Text, config
from manim.mobject.text.tex_mobject import SingleStringMathTex

from . import context
from .components.matrix import NUMBER_POLICY
from .components.text import FlatText, NumberText
from .pipeline.still_frames import still_image
from .presentation import STAGE
from .theme import current_theme
from .words import words
from .words.reading import reading_time

FRAME_MARGIN = 0.02
WORDS_PER_SECOND = 2.8  # a comfortable subtitle reading speed (~170 words a minute)


@dataclass(frozen=True)
class Beat:
    """One play of a step, built by a segment's helper and performed from its construct: the
    animations, their run time, what leaves or joins the screen afterwards (a flying copy that
    landed, a swap that shows no change), and a pause after it."""
    animations: tuple
    run_time: float | None = None
    remove: tuple = ()
    add: tuple = ()
    wait: float = 0.0


@dataclass
class SectionRecord:
    """What a viewer sees at the end of a section, kept for tests and the storyboard."""
    name: str
    caption: str
    numbers: list[tuple[str, str, int, str]] = field(default_factory=list)  # (source, text, precision, suffix)
    text_boxes: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    outside_frame: list[str] = field(default_factory=list)
    still: str | None = None
    layout_findings: list = field(default_factory=list)  # scenes.layout.Finding, when the scene checks its layout


def _box(mobject) -> tuple[float, float, float, float]:
    left, bottom, _ = mobject.get_corner([-1, -1, 0])
    right, top, _ = mobject.get_corner([1, 1, 0])
    return left, bottom, right, top


def _visible(mobject) -> bool:
    return mobject.get_fill_opacity() > 0.01 or mobject.get_stroke_opacity() > 0.01


def _text_pieces(mobject):
    """The outermost Text / TeX mobjects below `mobject` (not their glyphs or parts)."""
    if isinstance(mobject, (Text, FlatText, SingleStringMathTex)):
        yield mobject
        return
    for sub in mobject.submobjects:
        yield from _text_pieces(sub)


class ExplainerScene(Scene):
    segment: str = "segment"  # file-name part: NN-<segment>.mp4
    title: str = ""
    check_layout: bool = False  # `python -m scenes check` sets it: each step's end runs the layout checker

    def setup(self) -> None:
        self.theme = current_theme()
        self.camera.background_color = self.theme.background
        self.context = context.active()
        self.example = self.context.example
        self.words = words(self.segment)  # what this segment says, in the lesson's language (scenes/words/)
        self.trace = context.active_trace()
        # Toy inputs (embeddings, weights) are quantised one decimal coarser than results.
        self.input_precision = self.trace.input_precision
        # What to show for this trace (one layout policy), and where: the stage under the title.
        self.presentation = context.active_presentation()
        NUMBER_POLICY["readable"] = self.presentation.readable_numbers
        self.stage = STAGE
        # Segments 3–5 follow one head: head 1 of the toy example, or the chosen real-model head.
        self.focus_head = self.presentation.focus_head
        self.head_trace = self.trace.heads[self.focus_head]
        self.head_source = f"heads[{self.focus_head}]"
        self.sections: list[SectionRecord] = []
        # Time is counted in whole frames, the way Manim writes them. Manim's own clock
        # (renderer.time) adds frames × 1/fps for a rendered play but the float run_time for
        # a cached one, so waits computed from it made a re-render one frame longer.
        self.frames_played = 0
        self._section_start_frame = 0
        self._speech = None  # classroom: the current step's narration (NARRATE=1)

    # Storyboard vocabulary -------------------------------------------------
    def step(self, name: str, caption: str) -> None:
        """Start a section: the previous one ends with a still and its subcaption."""
        if self.sections:
            self.hold_for_caption(minimum=0.0)
        self._finish_section()
        self.next_section(name)
        self.sections.append(SectionRecord(name, caption))
        self._section_start_frame = self.frames_played
        self._speech = self._speak(caption)

    def _speak(self, caption: str):
        """classroom: with NARRATE=1 the caption is spoken from the step's start; else None."""
        if not getattr(self.context, "narration_dir", None):
            return None
        from .pipeline.narration import speak

        speech = speak(caption, Path(self.context.narration_dir), getattr(self.context, "lang", "en"))
        self.add_sound(speech.wav)
        return speech

    def perform(self, *beats: Beat) -> None:
        """Play beats in order (a helper builds them; the storyboard says when)."""
        for beat in beats:
            self.play(*beat.animations, **({} if beat.run_time is None else {"run_time": beat.run_time}))
            self.remove(*beat.remove)
            self.add(*beat.add)
            if beat.wait:
                self.wait(beat.wait)

    def hold_for_caption(self, minimum: float = 1.0) -> None:
        """Wait out the current step: at least `minimum` seconds, and until its subtitle has
        had time to be read (counted from the step's start), in whole frames."""
        fps = config.frame_rate
        elapsed = self.frames_played - self._section_start_frame
        reading_seconds = reading_time(self.sections[-1].caption, WORDS_PER_SECOND)
        if self._speech:  # classroom: a narrated step lasts as long as its speech
            from .pipeline.narration import TAIL_SECONDS
            reading_seconds = self._speech.seconds + TAIL_SECONDS
        reading = math.ceil(reading_seconds * fps)
        frames = max(round(minimum * fps), reading - elapsed)
        if frames >= 1:  # shorter waits warn
            # A still wait writes int(duration × fps) frames, a moving one len(arange(0, duration,
            # 1/fps)): half a frame off the whole number makes either exact.
            moving = any(mob.updaters for top in self.mobjects for mob in top.get_family())
            self.wait((frames + (-0.5 if moving else 0.5)) / fps, frozen_frame=not moving)

    def compile_animation_data(self, *animations, **play_kwargs):
        """Every play and wait passes here once, cached, skipped or rendered alike."""
        compiled = super().compile_animation_data(*animations, **play_kwargs)
        self.frames_played += self._frames_of_current_play()
        return compiled

    def _frames_of_current_play(self) -> int:
        """The frames Manim writes for the play just compiled (its own two formulas)."""
        step = 1 / config.frame_rate
        if self.is_current_animation_frozen_frame():
            return int(self.duration / step)
        return len(np.arange(0, self.duration, step))

    def tear_down(self) -> None:
        if self.sections:
            self.hold_for_caption(minimum=0.0)
        self._finish_section()
        super().tear_down()

    # Section bookkeeping ----------------------------------------------------
    def _finish_section(self) -> None:
        if not self.sections:
            return
        record = self.sections[-1]
        fps = config.frame_rate
        duration = (self.frames_played - self._section_start_frame) / fps
        cues = [(record.caption, 0.0, duration)]
        if self._speech:  # classroom: narrated, each sentence's subtitle follows its speech
            from .pipeline.narration import subtitle_cues
            cues = subtitle_cues(self._speech, record.caption, duration)
        section_offset = self._section_start_frame / fps - self.renderer.time  # placed by frame count
        for text, start, end in cues if duration > 0 else []:
            self.add_subcaption(text, duration=end - start, offset=section_offset + start)
        self._record_screen(record)
        if self.check_layout:  # where the stills pass saves its still, the mobjects are read
            from .layout import check_screen
            record.layout_findings = check_screen(self.mobjects, self.segment, record.name)
        if self.context.stills_dir:
            path = Path(self.context.stills_dir) / f"{self.segment}-{len(self.sections):02d}-{record.name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            # At the still size whatever the video's (pipeline/still_frames.py); RGB: img2pdf keeps it lossless.
            still_image(self).convert("RGB").save(path)
            record.still = str(path)

    def _record_screen(self, record: SectionRecord) -> None:
        half_w, half_h = config.frame_width / 2, config.frame_height / 2
        for top in self.mobjects:
            for mob in top.get_family():
                if not mob.points.size or not _visible(mob):
                    continue
                left, bottom, right, upper = _box(mob)
                if left < -half_w - FRAME_MARGIN or right > half_w + FRAME_MARGIN or \
                        bottom < -half_h - FRAME_MARGIN or upper > half_h + FRAME_MARGIN:
                    record.outside_frame.append(f"{type(mob).__name__} at {_box(mob)}")
            for mob in _text_pieces(top):
                if not _visible(mob):
                    continue
                name = getattr(mob, "text", None) or getattr(mob, "tex_string", type(mob).__name__)
                record.text_boxes.append((name, _box(mob)))
                if isinstance(mob, NumberText):
                    record.numbers.append((mob.source, mob.shown_text, mob.precision, mob.suffix))


def corner_title(scene: ExplainerScene, heading: str, subtitle: str | None = None):
    """The segment's title in the top-left corner; returned so a storyboard can keep it."""
    from manim import UL

    from .components import title_bar

    bar = title_bar(heading, subtitle)
    scene.title = scene.title or heading  # names the segment's slides
    bar.to_corner(UL, buff=np.array([0.47, 0.35, 0.0]))  # inside the 3 % safe margin (scenes/layout)
    scene.add(bar)
    return bar
