"""Panel and PercentBars, the components the figure and the three-panel segment share."""
import numpy as np
from manim import VGroup, tempconfig

from attention_math import Example, trace_example
from scenes.components import label
from scenes.components.panel import Panel
from scenes.components.percent_bars import PercentBars, PercentBarTable
from scenes.theme import current_theme

from tests.screen_checks import TEST_MEDIA


def test_percent_bars_show_the_traces_percentages_and_no_bar_for_hidden_keys():
    trace = trace_example(Example("money bank grows", causal=True))
    head, ink = trace.heads[1], current_theme().ink
    with tempconfig({"media_dir": TEST_MEDIA, "verbosity": "ERROR"}):
        row = PercentBars(head.weights[1], head.percentages[1], "heads[1].percentages[1]", trace.mask[1], ink)
        table = PercentBarTable(head, "heads[1]", trace.mask, ink, trace.tokens)
    assert [n.source for n in row.numbers] == ["heads[1].percentages[1][0]", "heads[1].percentages[1][1]"]
    assert sum(int(n.shown_text.rstrip("%")) for n in row.numbers) == 100
    assert len(row.cells) == 3 and len(row.bars) == 2  # key 2 is later than query 1: hidden
    widths = [bar.width for bar in row.bars]
    assert (widths[0] > widths[1]) == (head.weights[1, 0] > head.weights[1, 1])
    assert len(table.rows) == 3 and len(table.bars) == int(trace.mask.sum()) == len(table.numbers)


def test_panel_wraps_its_body_under_the_heading_and_resizes_from_its_corner():
    with tempconfig({"media_dir": TEST_MEDIA, "verbosity": "ERROR"}):
        body, heading = VGroup(label("body text")), label("Heading")
        panel = Panel(body, current_theme().panels.notes, heading, pad=0.1)
    box = panel.background
    assert heading.get_bottom()[1] > body.get_top()[1]
    assert box.get_left()[0] < min(body.get_left()[0], heading.get_left()[0])
    assert box.get_top()[1] > heading.get_top()[1] and box.get_bottom()[1] < body.get_bottom()[1]
    corner = box.get_corner([-1, 1, 0])
    panel.resize(width=5.0, height=3.0)
    assert np.allclose(box.get_corner([-1, 1, 0]), corner) and np.isclose(box.width, 5.0)
    room = panel.room(pad=0.1)
    assert np.isclose(room.bottom, box.get_bottom()[1] + 0.1) and room.corner[1] < heading.get_bottom()[1]
