"""A NER worker process: loads the model once, then searches the batches it is sent.

Started by :mod:`.ner_pool` as ``python -m toc_studio.ingest.pseudonymise.ner_worker
MODEL``: a fresh interpreter that imports nothing of the program that started it (the
Streamlit server's script, a test runner, a benchmark). Messages are pickles, each after
its length, over the worker's standard input and output; anything printed goes to standard
error. The worker says whether the model loaded, answers each batch with its entities (or
the name of the error, never the text), ignores Ctrl-C (the parent stops it) and ends when
its input closes.
"""

from __future__ import annotations

import os
import signal
import sys

from toc_studio.ingest.pseudonymise.ner_pool import receive, send


def main(model: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print cannot break a message
    from toc_studio.ingest.pseudonymise.ner import found_in, load_ner

    nlp = load_ner(model)
    try:
        send(out, ("ready", 0, nlp is not None))
        while nlp is not None and (message := receive(sys.stdin.buffer)) is not None:
            number, pieces = message
            try:
                answer = ("done", number, found_in(nlp, pieces))
            except Exception as exc:  # the caller reports it for the whole text
                answer = ("error", number, exc.__class__.__name__)
            send(out, answer)
    except (BrokenPipeError, ConnectionError):  # the parent has gone: so does the worker
        pass


if __name__ == "__main__":
    main(sys.argv[1])
