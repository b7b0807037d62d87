"""Run `python -m attention_math` in this process and capture what it prints."""
import io
from contextlib import redirect_stderr, redirect_stdout

from attention_math.cli import main as cli_main


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `python -m attention_math ARGV`."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli_main(argv)
    return code, out.getvalue(), err.getvalue()
