"""The inclusive-language checker against alex on the same English text, and Minga's throughput in Spanish.

Builds a 1 MB English text (the labelled corpus's English sentences, with and without problems, repeated)
and checks it with Minga's checker and with alex (https://alexjs.com, installed from npm into a temporary
folder; skipped with a message where npm or node is missing). Each runs as its own process, so that
each one's peak memory (maximum resident set size, from wait4) is its own. Then times Minga on 10 MB of
Spanish. Prints both times, both peaks and the ratios.

    .venv/bin/python bench/language_check.py [--english-mb 1] [--spanish-mb 10] [--alex-version 11.0.1]

Needs no database: the guide is compiled from ``minga/narrative/data/guide.json``, as ``minga setup``
loads it. Alex has no rules on migration, so the findings differ; the comparison is of the cost of a pass.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "narrative"


def sentences(language: str) -> list[str]:
    lines = (CORPUS / f"corpus_{language}.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[2] for line in lines if line and not line.startswith("#")]


def build_text(language: str, megabytes: float) -> str:
    """Paragraphs of five corpus sentences until ``megabytes`` of UTF-8."""
    pool, target, parts, size, index = sentences(language), int(megabytes * 1024 * 1024), [], 0, 0
    while size < target:
        paragraph = " ".join(pool[(index + k) % len(pool)] for k in range(5)) + "\n\n"
        parts.append(paragraph)
        size += len(paragraph.encode())
        index += 5
    return "".join(parts)


exits: list[int] = []


def run_child(command: list[str]) -> tuple[float, int, str, str]:
    """Wall time (s), peak resident memory (KiB), stdout and stderr of one process (its exit code in ``exits``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)  # noqa: S603
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        exits.append(os.waitstatus_to_exitcode(status))
        out.seek(0)
        err.seek(0)
        return elapsed, usage.ru_maxrss, out.read().decode(errors="replace"), err.read().decode(errors="replace")


def minga_child(language: str, path: str) -> None:
    """In the child: compile the guide of ``language``, check the file, print the time and count as JSON.

    The engine alone (``minga.narrative.matching`` imports no Django): what a page, the API or the CLI run
    once the guide is read; ``minga check-language`` adds Django's start-up (measured separately below)."""
    from minga.narrative.matching import Matcher, prepare, rule_from_row

    spec = json.loads((HERE.parent / "src" / "minga" / "narrative" / "data" / "guide.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    matcher = Matcher([rule_from_row(language, row, spec["macros"][language])[0] for row in spec["entries"][language]],
                      language)
    compiled = time.perf_counter()
    text = prepare(Path(path).read_text(encoding="utf-8"))
    found = matcher.find(text)
    done = time.perf_counter()
    print(json.dumps({"compile_s": compiled - start, "check_s": done - compiled, "findings": len(found)}))


def install_alex(folder: Path, version: str) -> Path | None:
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        print("alex: skipped (npm or node is not installed here)")
        return None
    result = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(folder),  # noqa: S603
                             f"alex@{version}"], capture_output=True, text=True, timeout=600)
    binary = folder / "node_modules" / ".bin" / "alex"
    if result.returncode or not binary.exists():
        print(f"alex: skipped (npm install failed: {result.stderr.strip()[:200]})")
        return None
    return binary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--english-mb", type=float, default=1)
    parser.add_argument("--spanish-mb", type=float, default=10)
    parser.add_argument("--alex-version", default="11.0.1")
    parser.add_argument("--child", nargs=2, metavar=("LANGUAGE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        minga_child(*args.child)
        return

    with tempfile.TemporaryDirectory(prefix="minga-language-bench-") as folder:
        folder = Path(folder)
        english = folder / "english.txt"
        english.write_text(build_text("en", args.english_mb), encoding="utf-8")
        spanish = folder / "spanish.txt"
        spanish.write_text(build_text("es", args.spanish_mb), encoding="utf-8")
        me = [sys.executable, str(Path(__file__).resolve()), "--child"]

        wall, peak, out, _ = run_child([*me, "en", str(english)])
        minga = json.loads(out)
        print(f"English text: {english.stat().st_size / 1e6:.2f} MB")
        print(f"  Minga: process {wall:.2f} s (compile {minga['compile_s'] * 1000:.0f} ms, check "
              f"{minga['check_s']:.2f} s), peak {peak / 1024:.0f} MiB, {minga['findings']} findings")

        alex = install_alex(folder / "alex", args.alex_version)
        if alex:
            alex_wall, alex_peak, alex_out, alex_err = run_child([str(alex), "--text", str(english)])
            warnings = sum(1 for line in (alex_out + alex_err).splitlines() if " warning " in line)
            print(f"  alex {args.alex_version}: process {alex_wall:.2f} s, peak {alex_peak / 1024:.0f} MiB, "
                  f"{warnings} warnings")
            print(f"  ratios: alex/Minga time {alex_wall / wall:.1f}× (process), "
                  f"{alex_wall / minga['check_s']:.0f}× (Minga's check alone); "
                  f"alex/Minga peak memory {alex_peak / peak:.1f}×")

        wall, peak, out, _ = run_child([*me, "es", str(spanish)])
        minga = json.loads(out)
        megabytes = spanish.stat().st_size / 1e6
        print(f"Spanish text: {megabytes:.2f} MB")
        print(f"  Minga: process {wall:.2f} s, check {minga['check_s']:.2f} s = "
              f"{megabytes / minga['check_s']:.1f} MB/s, peak {peak / 1024:.0f} MiB, {minga['findings']} findings")


if __name__ == "__main__":
    main()
