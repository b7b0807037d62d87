"""The top next tokens as a table: chip | logit | probability bar and percentage, then "all
others" and the total, whose shown percentages add to exactly 100.0 (decoder_records.NextTokenShares).

    table = NextTokenTable(model)     # model: a DecoderTrace, named "model" in the sources
    table.logits, table.bars, table.percents, table.others, table.total   # parts to animate
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Line, Rectangle, VGroup

from ..components import NumberText, label
from ..components.tokens import chip_column
from ..theme import current_theme
from ..words import words

ROW = 0.6  # row pitch
BAR_LENGTH = 2.2  # a bar at 100 %
COLUMNS = (0.0, 2.75, 3.05, 6.55)  # left of: token, logit (right edge), bar, percentage (right edge)


class NextTokenTable(VGroup):
    chips: VGroup
    logits: VGroup
    bars: VGroup
    percents: VGroup
    header: VGroup
    others: VGroup  # "all others (n tokens)" with its bar and percentage
    total: VGroup  # the rule and "100.0%"

    def __init__(self, model) -> None:
        theme, said = current_theme(), words("decoder-common")
        shares = model.next_token_shares
        position = len(model.tokens)  # every candidate bids for the same next position: its colour
        self.chips, self.logits, self.bars, self.percents = VGroup(), VGroup(), VGroup(), VGroup()
        # One font size for the column ("<start_of_image>" beside ","), not each word shrunk on its own.
        chips = chip_column([token.token for token in model.next_tokens], [position] * len(model.next_tokens),
                            max_width=1.55, height=0.42, size="label")
        for k, (token, chip) in enumerate(zip(model.next_tokens, chips)):
            y = -k * ROW
            self.chips.add(chip.move_to([COLUMNS[0], y, 0], aligned_edge=LEFT))
            self.logits.add(NumberText(token.logit, 2, f"model.next_tokens[{k}].logit", "cell")
                            .move_to([COLUMNS[1], y, 0], aligned_edge=RIGHT))
            self.bars.add(self._bar(shares.percentages[k], y, theme.weight_high))
            self.percents.add(NumberText(shares.percentages[k], 1, f"model.next_token_shares.percentages[{k}]", "cell",
                                         suffix="%").move_to([COLUMNS[3], y, 0], aligned_edge=RIGHT))
        y = -len(model.next_tokens) * ROW
        count = NumberText(shares.others_count, 0, "model.next_token_shares.others_count", "small", color=theme.muted)
        others_name = VGroup(label(said("all_others"), "small", theme.ink),
                             VGroup(count, label(said("tokens"), "small", theme.muted)).arrange(RIGHT, buff=0.1).scale(0.85))
        others_name.arrange(DOWN, aligned_edge=LEFT, buff=0.05)
        self.others = VGroup(others_name.move_to([COLUMNS[0], y, 0], aligned_edge=LEFT),
                             self._bar(shares.others_percentage, y, theme.muted),
                             NumberText(shares.others_percentage, 1, "model.next_token_shares.others_percentage",
                                        "cell", suffix="%").move_to([COLUMNS[3], y, 0], aligned_edge=RIGHT))
        rule = Line([COLUMNS[2], y - ROW * 0.55, 0], [COLUMNS[3], y - ROW * 0.55, 0], color=theme.muted, stroke_width=2)
        total = NumberText(shares.total_percentage, 1, "model.next_token_shares.total_percentage", "cell",
                           weight="BOLD", suffix="%").move_to([COLUMNS[3], y - ROW * 1.05, 0], aligned_edge=RIGHT)
        self.total = VGroup(rule, total, label(said("total"), "small", theme.muted).next_to(total, LEFT, buff=0.3))
        self.header = VGroup(
            label(said("next_token"), "small", theme.muted).move_to([COLUMNS[0], ROW * 0.9, 0], aligned_edge=LEFT),
            label(said("logit"), "small", theme.muted).move_to([COLUMNS[1], ROW * 0.9, 0], aligned_edge=RIGHT),
            label(said("probability"), "small", theme.muted).move_to([COLUMNS[3], ROW * 0.9, 0], aligned_edge=RIGHT))
        room = self.header[1].get_left()[0] - 0.2 - COLUMNS[0]  # a language's long "next token" stays clear of "logit"
        if self.header[0].width > room:
            self.header[0].scale(room / self.header[0].width, about_edge=LEFT)
        super().__init__(self.header, self.chips, self.logits, self.bars, self.percents, self.others, self.total)

    @staticmethod
    def _bar(percentage: float, y: float, color) -> Rectangle:
        """A bar as long as the shown percentage (at least a sliver, so a small share still shows)."""
        bar = Rectangle(width=max(BAR_LENGTH * percentage / 100, 0.03), height=ROW * 0.55, stroke_width=0,
                        fill_color=color, fill_opacity=0.55)
        return bar.move_to([COLUMNS[2], y, 0], aligned_edge=LEFT)

    def row(self, k: int) -> VGroup:
        """Candidate k's chip, logit, bar and percentage (to highlight the choice)."""
        return VGroup(self.chips[k], self.logits[k], self.bars[k], self.percents[k])
