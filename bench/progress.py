"""Progress lines of the benchmarks, on stderr: stdout holds only the JSON document."""

import sys
import time
from collections.abc import Callable


def progress_log(name: str) -> Callable[[str], None]:
    """A log function printing `[name HH:MM:SS] message` to stderr, flushed at once.

    Flushed so a long step (seeding, a slow view) shows when it started even
    when stderr goes to a file.
    """

    def log(message: str) -> None:
        print(f"[{name} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    return log
