"""Worker processes that end with their parent, whatever signal ended it.

This module imports only the standard library: it is what a new worker process loads first
(the executor's initializer), so that the watch starts before the worker spends seconds
importing the model's libraries.  A parent killed during those seconds is noticed at once.
"""

from __future__ import annotations

import os
import threading
import time
from functools import lru_cache

__all__ = ["watch_parent"]


@lru_cache(maxsize=1)
def watch_parent(parent: int) -> None:  # called once per worker process (the executor's initializer)
    """End this worker process when ``parent`` (the process that started it) is gone.

    The parent's pid is passed in rather than read here: a worker started just before its
    parent was killed would otherwise read its new parent (init) and wait for ever.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="detector-parent-watch", daemon=True).start()
