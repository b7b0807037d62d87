"""The one engine: every segment of every lesson is a Dask task keyed by its content stamp, each
lesson's assembly a task depending on them, explorer and figure tasks beside; the client keeps
finished segments (.done/) as they arrive and publishes a lesson atomically when its assembly
arrives. A `make render` is a course of one lesson on this same path."""
from __future__ import annotations

import json
import shutil
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from .farm import FarmError, dask_client
from .files import example_lock, publish, remove_dead_run_leftovers, writing
from .identity import code_fingerprint, identity
from .interrupt import Interrupted, signals_deferred, stop_on_signals
from .plan import DONE_DIR, Lesson, LessonPlan, keep_done, plan_lesson, read_segment
from .progress import Progress
from .tasks import Bundle, assembly_task, explorer_task, figure_task, segment_task


# A lesson whose segments are all in is joined and published before any other segment starts:
# a stopped course then keeps whole lessons, and its re-run has less to do.
ASSEMBLY_FIRST = 10**9


@dataclass(frozen=True)
class Farm:
    workers: int = 2  # a local cluster's processes: one Manim process per core
    scheduler: str | None = None  # tcp://HOST:8786 or tls://…; None: a LocalCluster on 127.0.0.1
    insecure: bool = False
    store: str | None = None  # a folder workers and client both reach: files go there, not through Dask


@dataclass
class Outcome:
    failed: dict[str, str] = field(default_factory=dict)  # lesson label → one line
    published: list[str] = field(default_factory=list)  # lesson labels


def run_lessons(lessons: list[Lesson], farm: Farm, log=print) -> tuple[int, Outcome]:
    """(exit code, what happened). A stop signal returns 128 + its number with every published
    file intact; finished segments are kept for the next run."""
    outcome = Outcome()
    try:
        with stop_on_signals(), ExitStack() as locks:
            for lesson in lessons:
                locks.enter_context(example_lock(lesson.out_dir))
                remove_dead_run_leftovers(lesson.out_dir)  # we hold the lock: no live run owns them
            fingerprint = code_fingerprint()
            plans = [plan_lesson(lesson, fingerprint) for lesson in lessons]
            for plan in plans:
                if plan.reused:
                    log(f"up to date: {', '.join(plan.reused)}" + _of(plan))
            if all(plan.idle for plan in plans):
                log("nothing changed: outputs kept as they are")
                return 0, outcome
            busy = [plan for plan in plans if not plan.idle]
            # A cluster only when there is work: a no-op re-render starts none.
            tasks = sum(len(plan.todo) + len(plan.extras) + plan.assemble for plan in busy)
            with dask_client(max(1, min(farm.workers, tasks)), farm.scheduler, farm.insecure, log) as client:
                _Run(client, busy, farm, fingerprint, log, outcome).go()
    except Interrupted as stop:
        log(f"interrupted ({stop}): render stopped, previous outputs left as they were", file=sys.stderr)
        return stop.exit_code, outcome
    except FarmError as error:
        log(f"error: {error}", file=sys.stderr)
        return 1, outcome
    return (1 if outcome.failed else 0), outcome


def _of(plan: LessonPlan) -> str:
    return f" ({plan.lesson.label})" if plan.lesson.label else ""


def admit_workers(client, log) -> list[str]:
    """The workers running the client's package version and code; the others are refused, by name."""
    mine = identity()
    answers = client.run(identity, on_error="return")
    good = []
    for address, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            log(f"refused worker {address}: it cannot run our code ({type(answer).__name__}: {answer})",
                file=sys.stderr)
        elif tuple(answer) != mine:
            log(f"refused worker {address}: attention-explainer {answer[0]}, code {answer[1][:12]} "
                f"(this client: {mine[0]}, code {mine[1][:12]}); install the same version there", file=sys.stderr)
        else:
            good.append(address)
    if not good:
        raise FarmError("no worker runs the same attention-explainer code as this client")
    return good


class _Run:
    def __init__(self, client, plans: list[LessonPlan], farm: Farm, fingerprint: str, log, outcome: Outcome):
        self.client, self.plans, self.farm, self.fp, self.log, self.outcome = \
            client, plans, farm, fingerprint, log, outcome
        self.futures: dict = {}  # future → (kind, plan, name, stamp)
        self.progress = Progress(log)

    def go(self) -> None:
        good = admit_workers(self.client, self.log)
        services = self.client.scheduler_info().get("services", {})
        link = self.client.dashboard_link if self.farm.scheduler and "dashboard" in services else None
        if link:
            self.log(f"dashboard: {link}")
        where = self.farm.scheduler or f"a local cluster of {len(good)} process(es) on 127.0.0.1"
        self.log(f"rendering {sum(len(p.todo) for p in self.plans)} segment(s) of {len(self.plans)} lesson(s) "
                 f"on {where}")
        self.options = {"workers": good, "allow_other_workers": False}
        for plan in sorted(self.plans, key=lambda p: -sum(p.estimate(n) for n, _, _ in p.todo)):
            self._submit(plan)
        from distributed import as_completed

        for future in as_completed(list(self.futures)):
            self._arrived(future)

    def _submit(self, plan: LessonPlan) -> None:
        lesson, segments = plan.lesson, {}
        for name, stamp, job in plan.todo:  # longest first: Dask runs higher priorities earlier
            future = self.client.submit(segment_task, job, name, stamp, self.fp, self.farm.store,
                                        key=f"segment-{name}-{stamp[:24]}", priority=int(plan.estimate(name) * 10),
                                        **self.options)
            self.futures[future] = ("segment", plan, name, stamp)
            segments[name] = future
            self.progress.add(plan.estimate(name))
        if plan.assemble:
            # Segments rendered before (published or kept) travel from this disk to the assembly.
            parts = [segments[n] if n in segments else
                     self.client.scatter(Bundle(n, files=read_segment(plan, n)), workers=self.options["workers"])
                     for n in plan.names]
            future = self.client.submit(assembly_task, lesson.out_dir.name, plan.names, lesson.write_video, self.fp,
                                        *parts, key=f"assembly-{lesson.out_dir.name}-{time.time_ns()}",
                                        priority=ASSEMBLY_FIRST, **self._words(lesson), **self.options)
            self.futures[future] = ("assembly", plan, "assembly", "")
            self.progress.add(5.0)
        for kind, stamp in plan.extras:
            task, argument = (explorer_task, lesson.context) if kind == "explorer" else (figure_task, lesson.context.example)
            words = self._words(lesson) if kind == "figure" else {}
            future = self.client.submit(task, argument, self.fp, key=f"{kind}-{stamp[:24]}", **words, **self.options)
            self.futures[future] = (kind, plan, kind, stamp)
            self.progress.add(5.0)

    @staticmethod
    def _words(lesson) -> dict:
        """The lesson's language and override file, for the tasks that make its interface and figure."""
        return {"lang": getattr(lesson.context, "lang", "en"), "captions": getattr(lesson.context, "captions", None)}

    def _arrived(self, future) -> None:
        kind, plan, name, stamp = self.futures[future]
        try:
            bundle = future.result()
        except Exception as error:  # e.g. KilledWorker: the task's worker died too often
            bundle = Bundle(name, error=f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        self.progress.done(plan.estimate(name) if kind == "segment" else 5.0, name, bundle, plan.lesson.label)
        if bundle.error:
            first = plan.lesson.label not in self.outcome.failed
            self.outcome.failed.setdefault(plan.lesson.label, f"{name} failed: {bundle.error}")
            if first:
                self.log(f"error: {name} failed: {bundle.error}" + _of(plan), file=sys.stderr)
            return
        with signals_deferred():  # a file whole or not at all, whatever signal comes
            if kind == "segment":
                keep_done(plan, stamp, bundle.paths())
                plan.durations[name] = bundle.seconds
            elif kind == "assembly":
                publish_lesson(plan, bundle)
                self.outcome.published.append(plan.lesson.label)
                self.log(f"published {plan.lesson.out_dir}" + _of(plan))
            else:
                _publish_files(plan.lesson.out_dir, bundle.paths())
                plan.stamps[kind] = stamp
                _write_json(plan.lesson.out_dir / ".stamps.json", plan.stamps)


def _publish_files(out_dir: Path, files: dict[str, bytes]) -> None:
    for path, content in files.items():
        with writing(out_dir / path) as tmp:
            tmp.write_bytes(content)


def _write_json(path: Path, data: dict) -> None:
    with writing(path) as tmp:
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))


def publish_lesson(plan: LessonPlan, assembled: Bundle) -> None:
    """Every new segment's files (from .done/), the assembled files and the stamps; then .done/ goes."""
    out = plan.lesson.out_dir
    fresh = [(name, plan.stamp_of(name)) for name in [*(n for n, _, _ in plan.todo), *plan.cached]]
    for name, stamp in fresh:
        source = plan.done_dir(stamp)
        new = {p.relative_to(source) for p in source.rglob("*") if p.is_file()}
        for old in [*(out / "stills").glob(f"{name}-*.png"), *(out / "steps").glob(f"{name}-*.mp4")]:
            if old.relative_to(out) not in new and (plan.lesson.write_video or old.parent.name == "stills"):
                old.unlink()
        for path in sorted(new):
            publish(source / path, out / path)
        plan.stamps[name] = stamp
    plan.stamps["assembly"] = plan.assembly_stamp
    _publish_files(out, assembled.paths())
    _write_json(out / ".stamps.json", plan.stamps)
    _write_json(out / ".durations.json", plan.durations)
    shutil.rmtree(out / DONE_DIR, ignore_errors=True)
