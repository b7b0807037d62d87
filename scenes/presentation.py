"""The one layout policy: from the trace at hand and the frame, what each segment shows.

Segments ask this module, never the model's name: how many entries of an axis are drawn
(all, or the first ones, an ellipsis and the last), whether a d_model-wide matrix is numbers
or a colour band, which query row and head are followed, which heads are shown side by side,
what the captions say about the model, and where on the frame a figure goes (the Stage).

Sizes it decides by (designed for 1–64 tokens and 4–576 dimensions):
- tokens: up to ALL_NUMBERS_UP_TO every number is drawn ("all"); up to FOCUS_NUMBERS_UP_TO the
  focus rows and columns keep their numbers around ellipses and the rest is colour ("focus");
  beyond, grids are colour only and the focus row's numbers go in a zoomed callout ("colour").
  Pacing follows: no step reveals more than a few cells or rows one by one;
- an axis of up to LARGE_AXIS entries is drawn whole; a longer one keeps SHOWN_ENTRIES
  (its first ones, "⋯", the last), a spelled-out product SHOWN_TERMS terms;
- Q, K, V and concat wider than LARGE_AXIS are colour bands cut into head slices;
- the three-panel picture's narrow panels cut sooner (PANEL_ALL_UP_TO, PANEL_TOP_KEYS, PANEL_WINDOW);
- up to MAX_HEADS_SHOWN heads side by side, the focus head first, then one of each other
  pattern class.
"""
from __future__ import annotations

from dataclasses import dataclass

from manim import Mobject

LARGE_AXIS = 12  # 16 whole columns (a tiny model's d_k) left a matrix's numbers under 18 px (issue 26)
SHOWN_ENTRIES = 6  # a NumberMatrix on a large axis: 4 entries, "⋯", the last
SHOWN_TERMS = 5  # a spelled-out product on a large axis: 3 terms, "+ … +", the last
MAX_HEADS_SHOWN = 4
ALL_NUMBERS_UP_TO = 8  # tokens: every number on screen
FOCUS_NUMBERS_UP_TO = 16  # tokens: numbers on the focus rows and columns, colour elsewhere
MAX_TOKENS = 64  # the most tokens a segment lays out
# long-b (issue 10): worked rows of long sentences list their largest keys, then "all other keys"
WORKED_ALL_KEYS_UP_TO = 10  # keys: a worked row (softmax, weighted sum) lists every key up to this
WORKED_TOP_KEYS = 6  # beyond: this many keys of largest weight, then one line for the others
WORKED_ENTRIES = 4  # a cut worked row's wide value rows: 2 entries, "⋯", the last
# long-d: colour-only axes, attention graphs and callouts of the real-model scenes
TICK_STEP = 8  # a colour-only axis of many tokens numbers every 8th position
GRAPH_WINDOW = 12  # an attention graph draws at most this many tokens' chips, around the focus query
# The three-panel picture's narrow panels (issue 26: 18 px text at 1080p): panel B's grid keeps every
# number up to PANEL_ALL_UP_TO tokens, beyond only the first, focus and last rows and columns, and its
# softmax the focus row's PANEL_TOP_KEYS largest keys; panel C's graph at most PANEL_WINDOW tokens.
PANEL_ALL_UP_TO = 4
PANEL_TOP_KEYS = 3
PANEL_WINDOW = 4
CALLOUT_KEYS = 5  # a colour-only heatmap's callout: the focus row's strongest keys
ONE_BY_ONE = 3  # beyond ALL_NUMBERS_UP_TO tokens: cells or rows revealed one at a time, then the rest at once


@dataclass(frozen=True)
class Stage:
    """The area under the corner title that every segment places its figure in (scene units;
    the frame is 14.2 × 8 with its centre at 0). It stays inside the frame less a 3 % safe margin
    on each side (±6.68 × ±3.76), where a screen or a player's controls may cut (issue 26)."""
    left: float = -6.65
    right: float = 6.65
    top: float = 2.9
    bottom: float = -3.74

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def centre(self) -> tuple[float, float, float]:
        return ((self.left + self.right) / 2, (self.top + self.bottom) / 2, 0.0)

    def fit_scale(self, mobject: Mobject, width: float | None = None, height: float | None = None,
                  grow: float = 1.0) -> float:
        """The scale that fits `mobject` into width × height (the whole stage by default), at most `grow`."""
        return min(grow, (width or self.width) / mobject.width, (height or self.height) / mobject.height)

    def keep_inside(self, mobject: Mobject) -> Mobject:
        """Shift (never scale) a mobject placed by hand so it is no further left or right than the stage."""
        shift = max(self.left - mobject.get_left()[0], 0.0) + min(self.right - mobject.get_right()[0], 0.0)
        return mobject.shift([shift, 0.0, 0.0])

    def fit(self, mobject: Mobject, width: float | None = None, height: float | None = None,
            grow: float = 1.0) -> Mobject:
        """Scale to fit (small figures grow at most `grow`×) and centre on the stage."""
        mobject.scale(self.fit_scale(mobject, width, height, grow))
        return mobject.move_to(self.centre)


STAGE = Stage()


@dataclass(frozen=True)
class ModelFacts:
    """What captions say about a real model (None for the toy model)."""
    name: str  # "all-MiniLM-L6-v2"
    tokenizer: str  # how it splits a sentence, for the tokens caption
    layer: int  # 0-based layer the core segments show
    trained_causal: bool  # False: a causal mask here is ours, not the model's
    quantisation: str | None = None  # say once on screen, e.g. "numbers are those of the 4-bit Q4_1 file"
    positions: str | None = None  # how word order enters, when it is not a position vector (RoPE)


@dataclass(frozen=True)
class Presentation:
    n_tokens: int
    d_model: int
    d_k: int
    n_heads: int
    causal: bool
    focus_query: int  # the query row segments 4–6 work through
    focus_head: int  # the head segments 3–5 follow
    model: ModelFacts | None  # None: the toy model, every input shown exactly
    # QUERY= KEY=: the key followed, and what the chosen head does with it, e.g. 'layer 14, head 9:
    # “it” gives 75 % to “animal”', with the field path of that percentage (for a NumberText).
    focus_key: int | None = None
    focus_note: str | None = None
    focus_note_source: str | None = None
    # The same note in pieces, in the lesson's language: what a caption says ('“it” gives 75 % to
    # “animal”') and the note's words before and after its percentage (a NumberText goes between).
    focus_said: str | None = None
    focus_around: tuple[str, str] | None = None

    @property
    def readable_numbers(self) -> bool:
        """A real model's matrices choose their decimals so their largest shown entries keep three
        significant digits; the toy model's are quantised, exact at its fixed precision."""
        return self.model is not None

    def entries(self, count: int, limit: int = SHOWN_ENTRIES) -> int | None:
        """The max_rows / max_cols NumberMatrix gets for an axis of `count` entries (None: all)."""
        return limit if count > LARGE_AXIS else None

    @property
    def bands(self) -> bool:
        """d_model-wide matrices (Q, K, V, concat) as colour bands instead of numbers."""
        return self.d_model > LARGE_AXIS

    @property
    def long_products(self) -> bool:
        """Spelled-out products over d_model or d_k terms show a few terms and "(n terms)"."""
        return self.d_k > LARGE_AXIS

    @property
    def detail(self) -> str:
        """"all" numbers, numbers on the "focus" rows and columns, or "colour" only grids."""
        if self.n_tokens <= ALL_NUMBERS_UP_TO:
            return "all"
        return "focus" if self.n_tokens <= FOCUS_NUMBERS_UP_TO else "colour"

    def token_ids(self, focus: int | None = None) -> list[int | None]:
        """The token rows (or columns) drawn with numbers, None for an ellipsis: every token up to
        ALL_NUMBERS_UP_TO, beyond that the first, the focus and its neighbours, and the last."""
        n = self.n_tokens
        if n <= ALL_NUMBERS_UP_TO:
            return list(range(n))
        focus = self.focus_query if focus is None else focus
        return with_ellipses({0, focus - 1, focus, focus + 1, n - 1} & set(range(n)))

    @property
    def one_by_one(self) -> int:
        """How many cells (or rows) a step reveals one at a time before showing the rest at once."""
        return self.n_tokens if self.n_tokens <= ALL_NUMBERS_UP_TO else ONE_BY_ONE

    @property
    def graph_threshold(self) -> float:
        """Attention graphs draw only lines whose weight reaches this (said on screen when > 0):
        64 tokens have 4,096 pairs, most of them near 1/64."""
        if self.n_tokens <= ALL_NUMBERS_UP_TO:
            return 0.0
        return 0.05 if self.n_tokens <= FOCUS_NUMBERS_UP_TO else 0.1

    # --- long-b (issue 10): worked rows, colour-only heatmaps and callouts -----------------------
    def worked_keys(self, visible: int) -> int | None:
        """How many keys (largest weight first) a worked row lists by name before one "the other
        keys" line, for a query that sees `visible` keys; None: every key, in key order."""
        if self.n_tokens <= WORKED_ALL_KEYS_UP_TO:
            return None
        return min(WORKED_TOP_KEYS, visible)

    @property
    def colour_only(self) -> bool:
        """Token × token grids (scores, weights) drawn as colour, the focus row's numbers zoomed."""
        return self.detail == "colour"

    @property
    def colour_weights(self) -> bool:
        """Weights grids (heatmap, weight maps, weights · V) as colour with the focus row's numbers
        zoomed: past ALL_NUMBERS_UP_TO tokens a row cut by ellipses no longer shows it adds to 100 %."""
        return self.detail != "all"

    @property
    def weight_top(self) -> float:
        """The weight a colour-only weights grid gives its darkest colour: 64 weights average
        1/64, and on a 0–100 % scale every cell would look white. A round share near 6/n."""
        if not self.colour_weights:
            return 1.0
        return next(top for top in (0.1, 0.2, 0.25, 0.5, 1.0) if top >= 6 / self.n_tokens)

    def zoom_keys(self, visible: int) -> int:
        """How many keys (largest weight first) a zoomed weights row lists before "the other keys":
        a callout beside the grid has room for WORKED_TOP_KEYS lines and that one."""
        return min(WORKED_TOP_KEYS, visible)

    def worked_entries(self, count: int) -> int | None:
        """max_cols for a worked row's value rows over `count` dimensions: narrower once the table
        is cut (its key chips and "other keys" line need the room)."""
        limit = WORKED_ENTRIES if self.n_tokens > WORKED_ALL_KEYS_UP_TO else SHOWN_ENTRIES
        # Two value rows side by side (v and w·v): more than `limit` entries shrank a tiny model's
        # 8 or 12 columns under the layout checker's 18 px (issue 26).
        return limit if count > limit else None

    @property
    def compact_ids(self) -> list[int | None] | None:
        """Rows for a figure of several tall matrices (multi-head's mix on a real model): the first,
        the focus and the last token around ellipses (None: all rows, up to ALL_NUMBERS_UP_TO)."""
        if self.detail == "all":
            return None
        return with_ellipses({0, self.focus_query, self.n_tokens - 1})

    @property
    def numbered_ids(self) -> list[int | None] | None:
        """The rows and columns a numbered token × token grid draws (None: all of them)."""
        return None if self.detail == "all" else self.token_ids()

    def heads_shown(self, patterns) -> tuple[list[int], list[str] | None]:
        """Heads side by side: the focus head first; with more heads than fit, one head of each other
        pattern class next, then the rest in order. Also each head's class to title it with (None
        when every head fits). `patterns` is the trace's head_patterns."""
        order, kinds = [self.focus_head], None
        if self.n_heads > MAX_HEADS_SHOWN:
            kinds = [pattern.kind for pattern in patterns]
            for h in range(self.n_heads):
                if kinds[h] not in {kinds[g] for g in order}:
                    order.append(h)
        return order + [h for h in range(self.n_heads) if h not in order], kinds

    # --- long-d (issue 10): the real-model scenes (layer evolution, heads grid, rollout) ---------
    @property
    def model_numbers(self) -> bool:
        """Whole-layer heatmaps print every percentage; beyond ALL_NUMBERS_UP_TO tokens they are
        colour only, the focus row marked and its strongest keys' percentages in a callout."""
        return self.detail == "all"

    def axis_ticks(self, every: int = TICK_STEP) -> list[int]:
        """The 0-based positions numbered along a colour-only axis: the first, every `every`-th
        (half as often on short axes) but none within half a step of the last, the last."""
        n = self.n_tokens
        step = every if n > 2 * every else max(1, every // 2)
        return sorted({0, n - 1} | set(range(step - 1, n - 1 - step // 2, step)))

    @property
    def panel_long(self) -> bool:
        """The three-panel picture shows the focus row only (its grid cut, its softmax the focus row)."""
        return self.n_tokens > PANEL_ALL_UP_TO

    @property
    def panel_ids(self) -> list[int | None] | None:
        """The three-panel scores grid's rows and columns (None: all): the first, the focus and the last."""
        return with_ellipses({0, self.focus_query, self.n_tokens - 1}) if self.panel_long else None

    def panel_keys(self, visible: int) -> int:
        """How many keys the three-panel softmax lists before "the other keys"."""
        return min(PANEL_TOP_KEYS, visible)

    def graph_tokens(self, size: int = GRAPH_WINDOW) -> list[int]:
        """The tokens an attention graph draws as chips: all up to `size`, else `size`
        consecutive tokens around the focus query (said on screen)."""
        n = self.n_tokens
        if n <= size:
            return list(range(n))
        start = min(max(self.focus_query - size // 2, 0), n - size)
        return list(range(start, start + size))

    def strongest_keys(self, row, count: int = CALLOUT_KEYS) -> list[int]:
        """The keys a callout shows for one weights row: its `count` largest, in sentence order."""
        ranked = sorted(range(len(row)), key=lambda j: (-float(row[j]), j))
        return sorted(ranked[:count])


def with_ellipses(kept: set[int]) -> list[int | None]:
    """The kept indices in order, None (an ellipsis) wherever some are skipped."""
    drawn: list[int | None] = []
    for index in sorted(kept):
        if drawn and index - drawn[-1] > 1:
            drawn.append(None)
        drawn.append(index)
    return drawn


def default_focus_query(n_tokens: int, causal: bool) -> int:
    """With a causal mask the last token (the only one that sees every key), otherwise the middle one."""
    return n_tokens - 1 if causal else (n_tokens - 1) // 2


def presentation_for(trace, focus_head: int = 0, model: ModelFacts | None = None,
                     focus_query: int | None = None, focus_key: int | None = None, **focus_note) -> Presentation:
    """The policy's decisions; `focus_note` gives the Presentation's focus_note* fields (context._focus_note)."""
    query = default_focus_query(trace.n_tokens, trace.causal) if focus_query is None else focus_query
    return Presentation(trace.n_tokens, trace.d_model, trace.d_k, trace.n_heads, trace.causal, query, focus_head,
                        model, focus_key=focus_key, **focus_note)
