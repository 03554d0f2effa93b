"""Why the checker uses no lemmatiser or language-identification library: their cost, measured.

Installs simplemma and py3langid (pinned) into a temporary folder with this interpreter's pip, then
times lemmatising every token of 1 MB of Spanish (the corpus's sentences, as bench/language_check.py
builds them) and py3langid's first answer (its model loads then), against Minga's own language
detection. Prints the times and the process's peak memory.

    .venv/bin/python bench/language_libraries.py
"""

import resource
import subprocess
import sys
import tempfile
import time

from language_check import build_text
from minga.narrative.matching import WORD, detect_language, prepare

SAMPLES = [
    "Los migrantes llegaron a la ciudad y fueron recibidos por el alcalde.",
    "Os imigrantes chegaram à cidade e não foram recebidos pelo prefeito.",
    "The migrants arrived in the city and were welcomed by the mayor.",
]


def main():
    with tempfile.TemporaryDirectory(prefix="minga-language-libraries-") as folder:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",  # noqa: S603
                        "--target", folder, "simplemma==1.1.2", "py3langid==0.4.0"], check=True)
        sys.path.insert(0, folder)
        import py3langid
        import simplemma

        text = prepare(build_text("es", 1))
        words = WORD.findall(text)
        start = time.perf_counter()
        for word in words:
            simplemma.lemmatize(word, lang="es")
        print(f"simplemma 1.1.2: {len(words)} tokens (1 MB of Spanish) lemmatised in {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        answers = [py3langid.classify(sample)[0] for sample in SAMPLES]
        print(f"py3langid 0.4.0: first three answers {answers} in {time.perf_counter() - start:.2f} s (model load included)")
        start = time.perf_counter()
        answers = [detect_language(sample) for sample in SAMPLES]
        print(f"Minga's marker words: {answers} in {(time.perf_counter() - start) * 1000:.2f} ms")
        print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
