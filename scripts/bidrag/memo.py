"""One computation per release and key, shared by every request that asks meanwhile.

For what the site derives from an immutable database (feeds): the first request computes it,
requests arriving while it runs wait for the same result instead of starting their own, and later
ones get it at once. Keyed on bidrag.site.content_hash, so a new release computes anew. Bounded in
entries and bytes; a failed computation is not kept.
"""

import asyncio
from collections import OrderedDict


class ReleaseMemo:
    def __init__(self, max_entries: int = 256, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self.done: OrderedDict = OrderedDict()
        self.pending: dict = {}
        self.bytes = 0

    async def get(self, key, compute):
        """compute() is a coroutine function returning bytes or str."""
        if key in self.done:
            self.done.move_to_end(key)
            return self.done[key]
        task = self.pending.get(key)
        if task is None:
            task = self.pending[key] = asyncio.ensure_future(compute())
            task.add_done_callback(lambda finished: self._finish(key, finished))
        return await asyncio.shield(task)

    def _finish(self, key, task) -> None:
        self.pending.pop(key, None)
        if task.cancelled() or task.exception() is not None:
            return
        value = task.result()
        size = len(value)
        if size > self.max_bytes:
            return
        self.done[key] = value
        self.bytes += size
        while len(self.done) > self.max_entries or self.bytes > self.max_bytes:
            _, dropped = self.done.popitem(last=False)
            self.bytes -= len(dropped)
