"""`attention-explainer COMMAND --help`: each subcommand's options (from the parser the command
really uses) framed like a man page: name, synopsis, description, examples, files, exit status."""
from __future__ import annotations

PROG = "attention-explainer"

PAGES = {
    "render": ("render the explainer video of one sentence",
               "Renders every segment (or those --scenes names) as MP4s, with subtitles, a still at the end of "
               "each step, storyboard.png, slides.pdf, slides.pptx, slides-animated.pptx and presentation.html, "
               "into OUT/<name>/ (OUT is ./media unless --out or --media-dir says). Every number on screen is "
               "computed by attention_math and checked against PyTorch. Segments whose code and example did not "
               "change are not rendered again; outputs are replaced atomically, and Ctrl-C keeps the last good "
               "files.",
               ["attention-explainer render --sentence \"The cat sat on the mat\" --quality low",
                "attention-explainer render --model minilm --sentence \"The bank of the river flooded\" --layer 1 --head 11",
                "attention-explainer render --model smollm2 --sentence \"The animal didn't cross the street because it "
                "was too tired\" --query it --key animal",
                "attention-explainer render --example my-example.toml --scenes softmax,5 --out /tmp/lesson"]),
    "stills": ("the explainer's stills, storyboard and slides, no video (fast)",
               "Draws the last frame of every step at 1920×1080 without animating, then storyboard.png, "
               "slides.pdf and slides.pptx, into OUT/<name>/.",
               ["attention-explainer stills --sentence \"river bank flows\"",
                "attention-explainer stills --model smollm2 --sentence \"The animal didn't cross the street\" "
                "--layer 14 --head 9 --quality low"]),
    "figure": ("the one-picture overview of self-attention",
               "Writes self_attention.png (800×500, white), self_attention-transparent.png and self_attention@2x.png "
               "(1600×1000) on 2–12 tokens, into OUT/<name>/: the toy model in every number, or one head of a real "
               "model (--model, --layer, --head, --query), its matrices elided with their true shapes.",
               ["attention-explainer figure", "attention-explainer figure --sentence \"The cat sat down\" --out figures",
                "attention-explainer figure --model gemma3 --sentence \"The cat sat on the mat\" --layer 6 --head 2"]),
    "explore": ("one interactive, offline HTML page of a sentence's attention",
                "Writes OUT/<name>/explorer.html: heatmap, depth, step-through, flow network and every head, "
                "with D3 and the numbers inside the file (opens from disk, no network).",
                ["attention-explainer explore --sentence \"The cat sat on the mat\"",
                 "attention-explainer explore --model minilm --sentence \"The animal didn't cross the street because "
                 "it was too tired\" --query it --layer 6 --head 12",
                 "attention-explainer explore --model smollm2 --compare minilm --sentence \"The animal didn't cross "
                 "the street\""]),
    "trace": ("print every value of the trace as JSON",
              "Prints the whole trace (toy model: embeddings, weights, q, k, v, scores, weights, outputs; a real "
              "model: every layer's attention, plus the next tokens for a decoder) as one JSON document on stdout.",
              ["attention-explainer trace \"money bank grows\" --heads 2 --causal",
               "attention-explainer trace --model minilm \"She deposited money at the bank\" --indent 1 > trace.json"]),
    "list": ("the segments in playing order", "Prints the segments a render of this model plays, numbered.",
             ["attention-explainer list", "attention-explainer list --model smollm2"]),
    "doctor": ("check what rendering needs and say how to fix what is missing",
               "Checks Python packages, cairo and pango, the TeX subset and dvisvgm, a video encoder, fonts for "
               "each script, the packaged models, and Chromium and LibreOffice (used only by the tests). Each "
               "missing thing is one line with the command that fixes it.",
               ["attention-explainer doctor"]),
}

FILES = ("FILES\n"
         "       ./media/<name>/        outputs (--out DIR or --media-dir DIR: elsewhere)\n"
         "       ~/.cache/attention-explainer/   dequantized SmolLM2 weights, models saved from memory\n")
EXIT = ("EXIT STATUS\n"
        "       0 success; 2 bad input (one line on stderr, starting with \"error: \"); 1 a render failed;\n"
        "       128 + N stopped by signal N (130 for Ctrl-C). Earlier outputs are always left intact.\n")


def _indent(text: str, width: int = 88) -> str:
    import textwrap

    return textwrap.fill(text, width, initial_indent="       ", subsequent_indent="       ")


def manual(command: str, options_help: str) -> str:
    """The man page of one subcommand; `options_help` is its parser's own option list."""
    summary, description, examples = PAGES[command]
    options = options_help.split("\n\n", 1)[1] if "\n\n" in options_help else options_help
    options = "\n".join(l for l in options.splitlines() if l.strip() not in ("options:", "optional arguments:"))
    lines = [f"NAME\n       {PROG} {command} - {summary}\n",
             f"SYNOPSIS\n       {PROG} {command} [OPTIONS]{' [SENTENCE]' if command == 'trace' else ''}\n",
             "DESCRIPTION\n" + _indent(description) + "\n",
             "OPTIONS\n" + "\n".join("    " + line if line else line for line in options.rstrip().splitlines()) + "\n",
             "EXAMPLES\n" + "\n".join(f"       $ {example}" for example in examples) + "\n"]
    if command != "doctor":
        lines += [FILES, EXIT]
    return "\n".join(lines)


def overview() -> str:
    width = max(len(name) for name in PAGES)
    rows = "\n".join(f"       {name.ljust(width)}  {PAGES[name][0]}" for name in PAGES)
    return (f"NAME\n       {PROG} - explainer videos of transformer self-attention whose every number is true\n\n"
            f"SYNOPSIS\n       {PROG} COMMAND [OPTIONS]      ({PROG} COMMAND --help: that command's page)\n\n"
            f"COMMANDS\n{rows}\n\n"
            f"EXAMPLES\n       $ {PROG} doctor\n       $ {PROG} render --sentence \"The cat sat on the mat\" "
            f"--quality low\n       $ {PROG} explore --model minilm --sentence \"The bank of the river flooded\"\n\n"
            f"PYTHON\n       import attention_explainer as ax; ax.explain(\"The cat sat\")  (see the README)\n\n"
            + FILES + "\n" + EXIT)
