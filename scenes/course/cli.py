"""`python -m scenes course FILE` (and `attention-explainer course FILE`: register `main`)."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_course_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a course file, e.g. examples/course-intro.toml")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a running Dask scheduler, tcp://HOST:8786 or tls://HOST:8786 (default: a local "
                             "cluster on 127.0.0.1)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes of the local cluster (default: one per core)")
    parser.add_argument("--store", type=Path, help="a folder every worker and this client reach: rendered files "
                                                   "go there instead of through the scheduler")
    parser.add_argument("--insecure", action="store_true",
                        help="allow a plain tcp:// scheduler on another machine (anyone reaching it runs code)")
    parser.add_argument("--media-dir", type=Path, default=Path("media"), help="output root (default media/)")
    parser.add_argument("--lang", metavar="LANG", help="every lesson's language unless the lesson sets its own "
                                                       "(overrides the file's top-level lang)")
    parser.add_argument("--captions", metavar="FILE", help="every lesson's words file unless the lesson sets its own")


def run_course(args: argparse.Namespace) -> int:
    """Check the whole file first (every error with its line, exit 2, nothing started), then
    render every lesson and write the course page; a failed lesson is one line, the rest finish."""
    from ..pipeline.engine import Farm, run_lessons
    from .page import write_course_page
    from .spec import CourseError, load_course

    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        course = load_course(args.file, args.media_dir.resolve(), getattr(args, "lang", None),
                             getattr(args, "captions", None))
    except CourseError as error:
        for line in error.lines:
            print(f"error: {line}", file=sys.stderr)
        return 2
    store = str(args.store.resolve()) if args.store else None
    if store:
        args.store.mkdir(parents=True, exist_ok=True)
    farm = Farm(workers=args.workers, scheduler=args.scheduler, insecure=args.insecure, store=store)
    code, outcome = run_lessons(list(course.lessons), farm)
    if code in (0, 1) and (code == 0 or outcome.published or outcome.failed):
        print(f"course page: {write_course_page(course, outcome.failed)}")
    if outcome.failed:
        print(f"error: {len(outcome.failed)} of {len(course.lessons)} lesson(s) failed; the others are done",
              file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    """The `course` subcommand on its own, for a console command to register in one line."""
    parser = argparse.ArgumentParser(prog="attention-explainer course",
                                     description="render a whole course (a TOML file of lessons) on Dask")
    add_course_arguments(parser)
    return run_course(parser.parse_args(argv))
