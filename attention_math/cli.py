"""`python -m attention_math trace ...`: the whole trace as JSON, for other tools."""
from __future__ import annotations

import argparse
import json
import sys

from .example import Example, ExampleError, load_example
from .models.registry import add_model_argument, resolve


def example_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that pick an example; shared with `python -m scenes`."""
    parser.add_argument("sentence", nargs="?", help="a sentence (gets the default settings)")
    parser.add_argument("--example", metavar="FILE.toml", help="an example file from examples/")
    parser.add_argument("--heads", type=int, help="number of heads")
    parser.add_argument("--d-model", type=int, dest="d_model", help="embedding size")
    parser.add_argument("--d-k", type=int, dest="d_k", help="size per head (default d_model / heads)")
    parser.add_argument("--seed", type=int, help="seed for embeddings and weights")
    parser.add_argument("--causal", action="store_true", default=None, help="hide later tokens")
    parser.add_argument("--positional", choices=("none", "sinusoidal"), help="positional encoding")
    parser.add_argument("--precision", type=int, help="decimals shown")


def example_from_arguments(args: argparse.Namespace, layout: str = "full") -> Example:
    """Build the example the flags name; raises ExampleError with one clear line."""
    if args.example and args.sentence:
        raise ExampleError("give a sentence or --example FILE, not both")
    overrides = {
        name: getattr(args, name)
        for name in ("heads", "d_model", "d_k", "seed", "causal", "positional", "precision")
        if getattr(args, name, None) is not None
    }
    if args.example:
        base = load_example(args.example)
    elif args.sentence is not None:
        base = Example(args.sentence, layout=layout)
    else:
        raise ExampleError("give a sentence in quotes or --example FILE.toml")
    # Changing heads or d_model alone keeps heads × d_k = d_model when d_k is not given.
    if ("heads" in overrides or "d_model" in overrides) and "d_k" not in overrides:
        d_model = overrides.get("d_model", base.d_model)
        heads = overrides.get("heads", base.heads)
        if heads > 0 and d_model % heads == 0:
            overrides["d_k"] = d_model // heads
    return base.with_changes(**overrides) if overrides else base


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m attention_math", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    trace_parser = commands.add_parser("trace", help="print the whole trace as JSON")
    example_arguments(trace_parser)
    add_model_argument(trace_parser)
    trace_parser.add_argument("--indent", type=int, default=None, help="pretty-print JSON")
    for name, text in (("learning", "the training run of W_Q, W_K, W_V (loss per step, checkpoints) as JSON"),
                       ("rnn", "the toy RNN against attention on \"The cat sat on the mat\" as JSON")):
        commands.add_parser(name, help=text).add_argument("--indent", type=int, default=None, help="pretty-print JSON")
    args = parser.parse_args(argv)
    try:
        if args.command == "learning":
            from .learning import learning_run, run_to_dict
            data = run_to_dict(learning_run())
        elif args.command == "rnn":
            from .rnn import before_after_to_dict, cat_sat
            data = before_after_to_dict(cat_sat())
        elif resolve(args.model).spec.trained:
            from .models.export import model_trace_for_cli
            data = model_trace_for_cli(args)
        else:
            from .trace import trace_example
            data = trace_example(example_from_arguments(args, layout="trace")).to_dict()
    except ExampleError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    json.dump(data, sys.stdout, indent=args.indent, allow_nan=False)
    sys.stdout.write("\n")
    return 0
