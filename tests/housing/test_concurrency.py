"""Money under concurrency (SPEC §8.2): 200 deposit postings sent at once from separate connections, each
idempotency key used four times — the balance equals the ledger sum, nothing lost, nothing doubled."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, connections

from tests.conftest import PASSWORD  # noqa: F401  (the cast comes from the shared world)
from workerhub.core.services import ServiceError
from workerhub.housing import services
from workerhub.housing.models import Entry, Posting

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent writers need a server database (SQLite serialises them)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_concurrent_postings_with_repeated_keys_lose_and_double_nothing(hpf):
    account, clerk = hpf.account, hpf.users["huzhou_hpf"]
    # 50 distinct deposits of 100.00 + k fen, each submitted 4 times (a client retrying), in random order.
    requests = [(f"retry-{k}", Decimal("100.00") + Decimal(k) / 100) for k in range(50)] * 4

    def send(item):
        key, amount = item
        try:
            return services.deposit(actor=clerk, account=account, amount=amount, idempotency_key=key,
                                    value_date=date(2024, 3, 1)).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(send, requests))
    assert len(ids) == 200 and len(set(ids)) == 50
    assert Posting.objects.filter(account=account).count() == 50
    expected = sum(Decimal("100.00") + Decimal(k) / 100 for k in range(50))  # 5,000 + 12.25 = 5,012.25
    assert expected == Decimal("5012.25")
    assert services.balance(account) == expected
    assert sum(e.amount for e in Entry.objects.all()) == 0  # every posting balanced


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_withdrawals_never_overdraw(hpf):
    account, clerk = hpf.account, hpf.users["huzhou_hpf"]
    services.deposit(actor=clerk, account=account, amount=Decimal("1000"), idempotency_key="seed")

    def take(i):
        try:
            services.withdraw(actor=clerk, account=account, amount=Decimal("300"), idempotency_key=f"w{i}",
                              reason="租房提取")
            return True
        except ServiceError:
            return False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(take, range(8)))
    assert outcomes.count(True) == 3  # 3 × 300 fit in 1,000; the fourth would overdraw
    assert services.balance(account) == Decimal("100.00")
