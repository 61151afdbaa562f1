"""The embedded shared results cache: diskcache's Django backend, kept open between requests.

Django closes every cache when a request ends (`request_finished` → `close_caches`); diskcache's
`close()` closes its SQLite connections, one per shard, and the next request opens them again with
their PRAGMAs: 10-40 ms per search request at 100,000 articles (issue #21, profiled). The
connections belong to the thread that opened them (diskcache keeps them thread-local), so keeping
them open is safe; they close with the process.
"""

from __future__ import annotations

from diskcache import DjangoCache


class SharedDiskCache(DjangoCache):
    def close(self, **kwargs) -> None:
        """Kept open: see the module's docstring."""
