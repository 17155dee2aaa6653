"""Counting and paging large scopes (SPEC §8.1: list pages p95 ≤ 150 ms at 1,000,000 people).

A COUNT over a province's million rows costs ~100 ms on PostgreSQL, on every page. Large counts (over
5,000 rows) are therefore kept for 30 seconds per query; small ones are always exact, so an officer who
adds a record to a county list sees the count change at once. Deep OFFSET pages cost seconds, so numbered
pages stop at MAX_PAGE: beyond that, filters narrow the list (the page says so)."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.utils.functional import cached_property

CACHE_ABOVE = 5000
COUNT_SECONDS = 30
MAX_PAGE = 200


def cached_count(qs) -> int:
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # restrict() gave .none(): nothing to count
        return 0
    key = "count:" + hashlib.sha256(f"{qs.db}|{sql}|{params!r}".encode()).hexdigest()
    count = cache.get(key)
    if count is None:
        count = qs.count()
        if count > CACHE_ABOVE:
            cache.set(key, count, COUNT_SECONDS)
    return count


class ScopePaginator(Paginator):
    """Django's paginator with the count above, and no page beyond MAX_PAGE."""

    @cached_property
    def count(self):
        return cached_count(self.object_list)

    @cached_property
    def num_pages(self):
        return min(super().num_pages, MAX_PAGE)

    @property
    def truncated(self) -> bool:
        return self.count > MAX_PAGE * self.per_page
