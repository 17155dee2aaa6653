"""HPF cast on top of the shared world: 赵灵活 (a Huzhou flexible worker) with a login and an account."""

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import PASSWORD
from workerhub.core.models import Role, RoleBinding, User
from workerhub.housing import services


@pytest.fixture
def hpf(world):
    person = world.people["huzhou_flex"]
    user = User.objects.create_user(username="zhao", password=PASSWORD, person=person)
    RoleBinding.objects.create(user=user, role=Role.WORKER, organisation=world.orgs["hpf"])
    world.users["zhao"] = user
    account = services.open_account(actor=user, person=person, centre=world.orgs["hpf"],
                                    declared_base=Decimal("5000"), ratio=Decimal("24"), mode="lump_sum",
                                    on=date(2023, 9, 5))
    services.confirm_account(actor=world.users["huzhou_hpf"], account=account)
    account.refresh_from_db()
    world.account = account
    return world
