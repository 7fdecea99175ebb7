"""Run the README's tour on a new SQLite database and write what each command printed under it.

`python scripts/readme_tour.py` rewrites README.md; `--check` changes nothing and exits 1 when
the README's outputs differ from the run's (dates, times, temporary paths and tokens aside).

Each `$ command` line of a ```console block (with its `\\` continuations, open quotes or here-document) runs
in one bash session, in a new temporary directory, with `itemtrace` from this interpreter's
environment first on PATH. What a command printed (stdout and stderr) replaces the lines under
it. An output the README trims keeps its first lines and its closing `…`: a block shown as `…`
alone stays `…`. The tour's port 8123 is swapped for a free one while it runs.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
TOUR_PORT = "8123"
BEGIN, END = "@@tour-begin@@", "@@tour-end@@"
VOLATILE = (
    (re.compile(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d\d:\d\d)?"), "TIMESTAMP"),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "DATE"),
    (re.compile(r"/tmp/[^/\s]+"), "/tmp/DIR"),
    (re.compile(r"itk_[\w-]+"), "itk_TOKEN"),
    (re.compile(r"SN-\d\d-"), "SN-YY-"),
    (re.compile(r"(days_left=|\"days_left\": )\d+"), r"\g<1>N"),  # 730 or 731: leap years
)


@dataclass
class Step:
    command: list[str]  # the lines as the README shows them, `$ ` included
    output: list[str] = field(default_factory=list)

    @property
    def trimmed(self) -> int | None:
        """How many lines the README shows before its closing `…` (None: the whole output)."""
        if self.output and self.output[-1].strip() == "…":
            return len(self.output) - 1
        return None


def parse(text: str) -> tuple[list[str | list[Step]], list[Step]]:
    """The README as text chunks and console blocks (lists of steps), and all steps in order."""
    chunks: list[str | list[Step]] = []
    steps: list[Step] = []
    lines = text.split("\n")
    i = 0
    plain: list[str] = []
    while i < len(lines):
        line = lines[i]
        plain.append(line)
        i += 1
        if line != "```console":
            continue
        chunks.append("\n".join(plain))
        plain = []
        block: list[Step] = []
        while lines[i] != "```":
            if lines[i].startswith("$ "):
                command = [lines[i]]
                heredoc = re.search(r"<<'(\w+)'", lines[i])
                while (
                    command[-1].endswith("\\")
                    or "\n".join(command).count("'") % 2  # inside a quoted string
                    or (heredoc and command[-1] != heredoc.group(1))
                ):
                    i += 1
                    command.append(lines[i])
                block.append(Step(command))
            else:
                block[-1].output.append(lines[i])
            i += 1
        chunks.append(block)
        steps += block
        plain = [lines[i]]
        i += 1
    chunks.append("\n".join(plain))
    return chunks, steps


def run(steps: list[Step]) -> list[list[str]]:
    """Every step's output, from one bash session in a new directory."""
    port = str(free_port())
    script = ["set +e", "exec 2>&1"]  # what a user sees: errors in place, in order
    for step in steps:
        command = "\n".join(step.command)[2:].replace(TOUR_PORT, port)
        script += [f"printf '{BEGIN}\\n'", "(exit ${__rc:-0})", command, "__rc=$?", f"printf '{END}\\n'"]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "120"}
    env.pop("ITEMTRACE_DATABASE_URL", None)
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=README.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = re.findall(rf"{BEGIN}\n(.*?){END}\n", done.stdout + done.stderr, flags=re.S)
    if len(outputs) != len(steps):
        raise SystemExit(f"the tour stopped after {len(outputs)} of {len(steps)} commands:\n{done.stderr}")
    return [o.replace(port, TOUR_PORT).rstrip("\n").split("\n") if o.strip() else [] for o in outputs]


def shown(step: Step, printed: list[str]) -> list[str]:
    keep = step.trimmed
    return printed if keep is None else [*printed[:keep], "…"]


def render(chunks: list[str | list[Step]]) -> str:
    parts = []
    for chunk in chunks:
        if isinstance(chunk, str):
            parts.append(chunk)
        else:
            parts.append("\n".join(line for step in chunk for line in [*step.command, *step.output]))
    return "\n".join(parts)


def normalised(text: str) -> str:
    for pattern, stands_for in VOLATILE:
        text = pattern.sub(stands_for, text)
    return text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on a difference")
    args = parser.parse_args()
    before = README.read_text()
    chunks, steps = parse(before)
    for step, printed in zip(steps, run(steps), strict=True):
        step.output = shown(step, printed)
    after = render(chunks)
    if not args.check:
        README.write_text(after)
        print(f"{README.name}: {len(steps)} commands run, outputs written")
        return
    diff = list(
        difflib.unified_diff(
            normalised(before).splitlines(), normalised(after).splitlines(), "README.md", "tour", lineterm=""
        )
    )
    if diff:
        print("\n".join(diff))
        raise SystemExit(1)
    print(f"{README.name}: {len(steps)} commands, outputs as shown")


if __name__ == "__main__":
    main()
