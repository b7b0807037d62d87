"""Story · Where it sits (seed 004): the Transformer encoder block, attention highlighted.
The same picture opens the explainer (`WhereItSits`) and closes it (`Recap`, with the formula
Attention(Q, K, V) = softmax(QKᵀ/√d_k)·V taken apart piece by piece)."""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UL, UP, Arrow, FadeIn, FadeOut, LaggedStart, Transform, VGroup, Write

from ..base import corner_title
from ..components import formula, label
from ..components.block_diagram import EncoderBlock
from ..components.notation import coloured_formula
from ..components.parts import Parts
from ..presentation import STAGE
from .common import StoryScene

DIAGRAM_X, NOTES_X = -3.3, 3.25  # the notes end at the safe margin (6.65)
ROW_WIDTH = 13.2  # the word chips may spread under the notes (or the recap's formula) too: the stage's width
RIGHT_EDGE = STAGE.right  # the frame's right edge (7.11) less the safe margin  # the block on the left, words about it on the right


# (line, theme colour name): what the opening frame promises (plan.<line>.head/.text in the words),
# and the recap's story (story.<line>.head/.text).
PLAN_LINES = (("why", "highlight"), ("weights", "muted"), ("roles", "query"), ("steps", "muted"), ("heads", "muted"))
STORY_LINES = (("static", "muted"), ("attention", "highlight"), ("qkv", "query"), ("positions", "muted"),
               ("heads", "muted"))
FORMULA_ROWS = ((r"Q K^{\top}", "scores"), (r"/\sqrt{d_k}", "scale"), (r"\mathrm{softmax}", "softmax"),
                (r"\cdot\, V", "blend"))  # each piece and its words (formula.<name>)


class WhereItSits(StoryScene):
    segment = "where-it-sits"
    closing = False  # True: the closing frame, with the formula recap

    def construct(self) -> None:
        corner_title(self, self.words("title"), self.words("subtitle"))
        block, lit = self.encoder_block()
        self.step("block", self.words("block.caption"))
        self.play(FadeIn(block.inputs, shift=UP * 0.2))
        self.play(LaggedStart(*(FadeIn(VGroup(arrow, stage), shift=UP * 0.15)
                                for arrow, stage in zip(block.flow, [*block.boxes.values(), block.output])),
                              lag_ratio=0.25), run_time=2.0)
        self.play(FadeIn(block.layer), FadeIn(block.residuals))
        self.hold_for_caption(0.8)

        self.step("attention", self.words("attention.caption"))
        notes = self.notes(block)
        self.play(Transform(block.boxes["attention"][0], lit), FadeIn(notes[0], shift=LEFT * 0.2))
        self.play(LaggedStart(*(FadeIn(n, shift=LEFT * 0.2) for n in notes[1:]), lag_ratio=0.3))
        self.hold_for_caption(1.0)

        self.step("plan", self.words("plan.caption"))
        plan = self.plan(block)
        self.play(FadeOut(notes, shift=RIGHT * 0.2))
        self.play(LaggedStart(*(FadeIn(line, shift=LEFT * 0.2) for line in plan), lag_ratio=0.3), run_time=1.6)
        self.hold_for_caption(1.5)

    def encoder_block(self) -> tuple[EncoderBlock, VGroup]:
        """The block, placed left of the notes, and its attention box lit (not yet shown lit)."""
        # A long sentence's chips spread under the notes (closing: under the formula, which moves up).
        spread = not self.closing or self.presentation.colour_only  # closing: only a long sentence's chips
        block = EncoderBlock(self.trace.tokens, row_width=ROW_WIDTH if spread else None)
        # Closing, the block steps back to leave room for the formula (not when the chips take the bottom).
        wide = spread and block.inputs.width > block.layer.width
        block.scale(min(1.0, (6.5 if wide else 5.6 if self.closing else 6.3) / block.height))
        block.move_to([DIAGRAM_X - (0.4 if self.closing else 0.0), -0.42, 0])
        if wide:  # a long sentence's wrapped chips: centred on the frame
            block.inputs.set_x(0)
        STAGE.keep_inside(block)
        return block, block.highlight("attention")

    # Pictures ------------------------------------------------------------------------
    def notes(self, block: EncoderBlock) -> VGroup:
        """What each kind of box does, on the right, each note level with its box."""
        theme = self.theme
        notes = VGroup()
        for name in ("attention", "feed", "norm1", "norm2", "embed"):
            colour = theme.highlight if name == "attention" else theme.muted
            note = label(self.words(f"labels.note_{name}"), "label", colour)
            note.next_to(block.layer, RIGHT, buff=0.5).match_y(block.boxes[name])
            note.scale(min(1.0, (RIGHT_EDGE - note.get_left()[0]) / note.width), about_edge=LEFT)
            pointer = Arrow(note.get_left(), [block.boxes[name].get_right()[0], note.get_y(), 0], buff=0.1,
                            color=colour, stroke_width=2, max_tip_length_to_length_ratio=0.15)
            notes.add(VGroup(note, pointer))
        return notes

    def plan(self, block: EncoderBlock) -> VGroup:
        """What the explainer does, in order, to the right of the block."""
        lines = self.headed_lines("plan", PLAN_LINES)
        lines.next_to(block.layer, RIGHT, buff=0.6)
        lines.scale(min(1.0, (RIGHT_EDGE - lines.get_left()[0]) / lines.width), about_edge=LEFT)
        return lines.match_y(block.boxes["attention"]).shift(UP * 0.6)

    def headed_lines(self, part: str, rows) -> VGroup:
        """Lines of a bold head in a theme colour (by name) and its text (the words' <part>.<line>.head
        and .text), in two aligned columns."""
        lines = VGroup(*(VGroup(label(self.words(f"{part}.{line}.head"), "label", getattr(self.theme, colour), weight="BOLD"),
                                label(self.words(f"{part}.{line}.text"), "label", self.theme.ink))
                         for line, colour in rows))
        self.two_columns(lines)
        return lines

    def formula_parts(self) -> FormulaParts:
        """The attention formula on two lines, and under it one row per piece: the piece, what it does."""
        theme = self.theme
        equation = VGroup(
            formula(r"\mathrm{Attention}(Q, K, V) =", "body"),
            coloured_formula((r"\mathrm{softmax}\!\left(", None), ("Q", theme.query), (r"\,", None), ("K", theme.key),
                             (r"^{\top} / \sqrt{d_k}\right)", None), ("V", theme.value)))
        equation.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        equation[1].shift(RIGHT * 0.6)
        rows = VGroup(*(VGroup(formula(tex, "label"), label(self.words(f"formula.{name}"), "label", theme.ink))
                        for tex, name in FORMULA_ROWS))
        self.two_columns(rows)
        group = FormulaParts(equation, rows, equation=equation, rows=rows)
        group.arrange(DOWN, buff=0.6, aligned_edge=LEFT)
        group.scale(min(1.0, 6.8 / group.width)).move_to([NOTES_X, -0.3, 0])
        return group

    def above_chips(self, parts: VGroup, block: EncoderBlock) -> VGroup:
        """A long sentence's chips span the stage's bottom: the formula rises clear of them,
        shrinking only if the room under the title is too short."""
        if not self.presentation.colour_only:  # the chips stay under the block
            return parts
        room = STAGE.top - block.inputs.get_top()[1] - 0.3
        parts.scale(min(1.0, room / parts.height))
        return parts.shift(UP * (block.inputs.get_top()[1] + 0.3 - parts.get_bottom()[1]))

    def story_lines(self, place: VGroup, block: EncoderBlock) -> VGroup:
        """The explainer's story in four lines, in the place of the formula's pieces; above a long
        sentence's chips, shrinking when a script's taller lines would reach them."""
        lines = self.headed_lines("story", STORY_LINES)
        lines.scale(min(1.0, 6.8 / lines.width)).move_to(place, aligned_edge=UP)
        floor = block.inputs.get_top()[1] + 0.3
        if self.presentation.colour_only and lines.get_bottom()[1] < floor:
            lines.scale((lines.get_top()[1] - floor) / lines.height, about_edge=UL)
        return lines

    @staticmethod
    def two_columns(rows: VGroup) -> None:
        """Rows of (head, text) with every text starting in one column."""
        for row in rows:
            row[1].next_to(row[0], RIGHT, buff=0.3)
        rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        column = rows.get_left()[0] + max(row[0].width for row in rows) + 0.3
        for row in rows:
            row[1].shift(RIGHT * (column - row[1].get_left()[0]))


class Recap(WhereItSits):
    segment = "recap"
    closing = True

    def construct(self) -> None:
        corner_title(self, self.words("title"), self.words("subtitle"))
        block, lit = self.encoder_block()
        block.boxes["attention"][0].become(lit)
        self.step("block", self.words("block.caption"))
        self.play(FadeIn(block))
        self.hold_for_caption(0.8)

        self.step("formula", self.words("formula.caption"))
        parts = self.above_chips(self.formula_parts(), block)
        self.play(Write(parts.equation))
        self.play(LaggedStart(*(FadeIn(row, shift=LEFT * 0.2) for row in parts.rows), lag_ratio=0.3), run_time=1.6)
        self.hold_for_caption(1.0)

        self.step("story", self.words("story.caption"))
        story = self.story_lines(parts.rows, block)
        self.play(FadeOut(parts.rows, shift=UP * 0.2), LaggedStart(*(FadeIn(line, shift=UP * 0.2) for line in story),
                                                                    lag_ratio=0.25), run_time=1.6)
        self.hold_for_caption(1.5)


# Parts of the pictures ------------------------------------------------------------
class FormulaParts(Parts):
    """The recap's formula and its pieces. Parts: `equation` (Attention(Q, K, V) = softmax(QKᵀ/√d_k)·V
    on two lines), `rows` (one row per piece: the piece, what it does)."""
    equation: VGroup
    rows: VGroup
