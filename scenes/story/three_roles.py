"""Story · Three roles (seed 002, "three roles, same vector"): in weight-free attention one
embedding is query, key and value at once; seed 002's dictionary analogy names the roles;
one learned matrix per role (W_Q, W_K, W_V) gives each its own vector, which leads into the
projections segment. The focus word's x, q, k and v come from the active trace."""
from __future__ import annotations

from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Create, FadeIn, FadeOut, GrowArrow, LaggedStart, Line,
                   MathTex, RoundedRectangle, VGroup)

from attention_math.story import DICTIONARY, DICTIONARY_QUERY

from ..base import corner_title
from ..components import TokenChip, formula, label
from ..components.notation import CodeLine, coloured_formula
from ..components.parts import Parts
from .common import StoryScene, row_vector

ROLES = ("q", "k", "v")  # their names and questions are words (labels.role_q, labels.question_q, …)


class ThreeRoles(StoryScene):
    segment = "three-roles"

    def construct(self) -> None:
        trace = self.trace
        i = self.presentation.focus_query
        corner_title(self, self.words("title"), self.words("subtitle"))

        self.step("three-jobs", self.words("three-jobs.caption"))
        jobs = self.jobs(i)
        self.play(FadeIn(jobs.word))
        self.play(LaggedStart(*(GrowArrow(a) for a in jobs.arrows), lag_ratio=0.2),
                  LaggedStart(*(FadeIn(b, shift=DOWN * 0.2) for b in jobs.boxes), lag_ratio=0.2), run_time=1.4)
        self.play(FadeIn(jobs.formula, shift=UP * 0.2))
        self.hold_for_caption(0.8)

        self.step("dictionary", self.words("dictionary.caption"))
        lookup = self.dictionary()
        self.play(FadeOut(jobs), FadeIn(lookup.code[0]))
        self.play(FadeIn(lookup.code[1]), LaggedStart(*(FadeIn(line) for line in lookup.legend), lag_ratio=0.3))
        self.hold_for_caption(0.8)

        self.step("soft", self.words("soft.caption"))
        self.play(FadeIn(lookup.contrast, shift=UP * 0.2))
        self.hold_for_caption(0.8)

        self.step("projections", self.words("projections.caption"))
        split = self.projections(i)
        self.play(FadeOut(lookup), FadeIn(split.word))
        self.play(Create(split.arrows[0]), LaggedStart(*(GrowArrow(a) for a in split.arrows[1:4]), lag_ratio=0.2),
                  *(FadeIn(w) for w in split.matrices), run_time=1.2)
        self.play(*(GrowArrow(a) for a in split.arrows[4:]), run_time=0.6)
        self.play(LaggedStart(*(FadeIn(r, shift=RIGHT * 0.2) for r in split.results), lag_ratio=0.2), run_time=1.2)
        self.hold_for_caption(1.5)

    # Pictures ------------------------------------------------------------------------
    def word(self, i: int) -> VGroup:
        """The focus word's chip and its vector x (the input attention sees)."""
        trace = self.trace
        chip = TokenChip(trace.tokens[i], i, max_width=3.0, size="label")
        return VGroup(chip, row_vector(trace.x[i], self.input_precision, f"x[{i}]")).arrange(RIGHT, buff=0.3)

    def jobs(self, i: int) -> Jobs:
        """The word on top, an arrow to each role's box, and weight-free attention with x in each role's colour."""
        theme = self.theme
        word = self.word(i).move_to([0, 2.1, 0])
        boxes = VGroup()
        for role in ROLES:
            colour = theme.role_color(role)
            text = VGroup(label(self.words(f"labels.role_{role}"), "body", colour, weight="BOLD"),
                          label(self.words(f"labels.question_{role}"), "small", theme.ink))
            text.arrange(DOWN, buff=0.15)
            box = RoundedRectangle(corner_radius=0.12, width=text.width + 0.5, height=text.height + 0.4,
                                   stroke_color=colour, stroke_width=3)
            boxes.add(VGroup(box, text.move_to(box)))
        boxes.arrange(RIGHT, buff=0.6).move_to([0, -0.15, 0])
        arrows = VGroup(*(Arrow(word.get_bottom(), box.get_top(), buff=0.15, color=theme.muted,
                                      stroke_width=3) for box in boxes))
        equation = coloured_formula(
            (r"s_{ij} =", None), (r"x_i", theme.query), (r"\cdot", None), (r"x_j", theme.key),
            (r"\qquad w_{ij} = \mathrm{softmax}_j(s_{ij}) \qquad y_i = \sum_j w_{ij}\,", None),
            (r"x_j", theme.value))
        equation.move_to([0, -2.3, 0])
        group = Jobs(word, arrows, boxes, equation, word=word, boxes=boxes, arrows=arrows, formula=equation)
        return self.stage.fit(group, width=13.0, height=6.0, grow=1.25)

    def dictionary(self) -> Dictionary:
        """Seed 002's lookup as code, the role colours on its parts, a legend, and the soft contrast."""
        theme = self.theme
        entries = [f'"{key}": {value}' for key, value in DICTIONARY.items()]
        line = "d = {" + ", ".join(entries) + "}"
        spans, start = {}, line.index("{") + 1
        for key, value in DICTIONARY.items():
            key_text, value_text = f'"{key}"', str(value)
            k = line.index(key_text, start)
            v = line.index(value_text, k + len(key_text))
            spans[(k, k + len(key_text))] = theme.key
            spans[(v, v + len(value_text))] = theme.value
            start = v + len(value_text)
        query = f'd["{DICTIONARY_QUERY}"]'
        value = str(DICTIONARY[DICTIONARY_QUERY])
        answer = f"{query}   " + self.words("labels.code_comment", value=value)
        at = answer.rindex(value)  # where the comment names the value, in any language's order
        code = VGroup(CodeLine(line, spans), CodeLine(answer, {
            (2, 2 + len(DICTIONARY_QUERY) + 2): theme.query, (at, at + len(value)): theme.value}))
        code.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        legend = VGroup(*(VGroup(label(self.words(f"labels.legend_{role}"), "label", theme.role_color(role), weight="BOLD"),
                                 label(self.words(f"labels.meaning_{role}"), "label", theme.ink)).arrange(RIGHT, buff=0.3)
                          for role in ROLES))
        legend.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        # Meanings in one column: the first row's, or right of the widest name where a language's is wider.
        column = max(legend[0][1].get_left()[0], legend.get_left()[0] + max(row[0].width for row in legend) + 0.1)
        for row in legend:
            row[1].shift(RIGHT * (column - row[1].get_left()[0]))
        contrast = VGroup(
            label(self.words("labels.exact"), "label", theme.muted),
            label(self.words("labels.soft"), "label", theme.ink))
        contrast.arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        group = Dictionary(VGroup(code, legend).arrange(RIGHT, buff=1.0), contrast, code=code, legend=legend,
                           contrast=contrast).arrange(DOWN, buff=0.9)
        return self.stage.fit(group, width=13.0, height=6.0, grow=1.0)

    def projections(self, i: int) -> RoleProjections:
        """The word and its x on top; a line down from it branches into three learned matrices
        (W_Q, W_K, W_V as boxes), each passing on to its role's vector for this word. Stacked,
        so even 8 numbers per vector stay large."""
        trace, theme = self.trace, self.theme
        word = self.word(i)
        results, matrices = VGroup(), VGroup()
        for role in ROLES:
            colour = theme.role_color(role)
            vector = row_vector(getattr(trace, role)[i], trace.precision, f"{role}[{i}]", frame_color=colour)
            results.add(VGroup(label(self.words(f"labels.role_{role}"), "label", colour, weight="BOLD"), vector).arrange(RIGHT, buff=0.25))
            name_tex = formula(f"W_{role.upper()}", "label", colour)
            box = RoundedRectangle(corner_radius=0.1, width=0.95, height=0.6, stroke_color=colour, stroke_width=3)
            matrices.add(VGroup(box, name_tex.move_to(box)))
        results.arrange(DOWN, buff=0.45, aligned_edge=RIGHT)
        for result in results:  # the tags in one column, right next to their vectors
            result[0].next_to(result[1], LEFT, buff=0.25)
        for box, result in zip(matrices, results):  # one column of boxes, each level with its vector
            box.next_to(results, LEFT, buff=1.0).match_y(result)
        bus_x = matrices.get_left()[0] - 0.6
        word.next_to(VGroup(matrices, results), UP, buff=0.8)
        word.shift(RIGHT * (bus_x - word[0].get_x()))  # the chip sits over the line
        top, bottom = word.get_bottom()[1] - 0.12, matrices[-1].get_y()
        bus = Line([bus_x, top, 0], [bus_x, bottom, 0], color=theme.muted, stroke_width=3)
        arrows = VGroup(
            bus, *(Arrow([bus_x, box.get_y(), 0], box.get_left(), buff=0, color=theme.muted, stroke_width=3,
                         max_tip_length_to_length_ratio=0.3) for box in matrices),
            *(Arrow(box.get_right(), result.get_left(), buff=0.15, color=theme.muted, stroke_width=3)
              for box, result in zip(matrices, results)))
        group = RoleProjections(word, arrows, matrices, results, word=word, results=results, matrices=matrices,
                                arrows=arrows)
        return self.stage.fit(group, width=13.0, height=5.8, grow=1.2)


# Parts of the pictures ------------------------------------------------------------
class Jobs(Parts):
    """The word and its three jobs. Parts: `word` (chip and x, on top), `boxes` (a box per role:
    its name and question), `arrows` (word to each box), `formula` (attention without weights,
    x in each role's colour)."""
    word: VGroup
    boxes: VGroup
    arrows: VGroup
    formula: MathTex


class Dictionary(Parts):
    """A dictionary lookup beside attention's. Parts: `code` (the lookup, role-coloured),
    `legend` (query, keys, values), `contrast` (exact match against a blend)."""
    code: VGroup
    legend: VGroup
    contrast: VGroup


class RoleProjections(Parts):
    """The word's x branching into W_Q, W_K, W_V. Parts: `word` (chip and x), `results` (its
    q, k and v, tagged), `matrices` (the three weight boxes), `arrows` (the line down and its branches)."""
    word: VGroup
    results: VGroup
    matrices: VGroup
    arrows: VGroup
