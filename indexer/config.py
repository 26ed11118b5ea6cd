"""Where things are: command-line option, then environment variable, then the default."""
from __future__ import annotations

import os
from pathlib import Path

ENV_INDEX = "BOLETINES_INDEX"
ENV_CORPUS = "BOLETINES_CORPUS"
ENV_HOST = "BOLETINES_HOST"
ENV_PORT = "BOLETINES_PORT"
ENV_WORKERS = "BOLETINES_WORKERS"
DEFAULT_WORKERS = 2  # one per core of a small server: searches are CPU-bound Python

DEFAULT_INDEX = Path("index")
DEFAULT_CORPUS = Path("corpus")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def index_dir(value: str | os.PathLike | None = None) -> Path:
    return Path(value or os.environ.get(ENV_INDEX) or DEFAULT_INDEX)


def corpus_dir(value: str | os.PathLike | None = None) -> Path:
    return Path(value or os.environ.get(ENV_CORPUS) or DEFAULT_CORPUS)
