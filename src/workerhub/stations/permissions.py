"""Who may do what with stations (SPEC §0, §7), beyond "inside the role's region".

- Federation officers manage every station in their region: register, edit, export, moderate ratings,
  tick the 六有 facts and award titles.
- A station keeper sees and edits the stations they keep: those whose ``keeper`` is their login, and
  those operated by the organisation their role is bound to (a bank branch's keeper sees the branch's
  stations). Keepers do not register new stations, export the register or moderate ratings about
  their own station.
- Everyone, anonymous included, may use the public finder and pages; those read public stations through
  ``selectors.public_stations()``, not through these rules, and never see closed stations.
"""

from django.db.models import Q

from workerhub.core import scope

from .models import Rating, Station, StationEvent, StationPhoto, Visit


def kept(prefix: str = ""):
    """The keeper's stations: kept by this login, or run by the organisation the role is bound to."""

    def rule(binding, user) -> Q:
        return Q(**{f"{prefix}keeper_id": user.pk}) | Q(**{f"{prefix}operator_id": binding.organisation_id})

    rule.__name__ = f"kept_{prefix or 'station'}"
    return rule


scope.register(
    Station,
    view={"federation_admin": None, "station_keeper": kept()},
    # "add" is also what lets an officer tick 六有 facts, award titles and move a station (services):
    # the federation that may register stations in a region is the one that certifies them.
    add={"federation_admin": None},
    change={"federation_admin": None, "station_keeper": kept()},
    delete={"federation_admin": None},
    export={"federation_admin": None},
    # The network page (coverage, compliance, stale data) is the federation's; keepers see their own
    # stations' visit figures through Visit's "report" rule below.
    report={"federation_admin": None},
)
for _model in (StationEvent, StationPhoto):
    scope.register(
        _model,
        view={"federation_admin": None, "station_keeper": kept("station__")},
        add={"federation_admin": None, "station_keeper": kept("station__")},
        change={"federation_admin": None, "station_keeper": kept("station__")},
        delete={"federation_admin": None, "station_keeper": kept("station__")},
    )
scope.register(
    Visit,
    view={"federation_admin": None, "station_keeper": kept("station__")},
    add={"federation_admin": None, "station_keeper": kept("station__")},
    report={"federation_admin": None, "station_keeper": kept("station__")},
)
scope.register(
    Rating,
    view={"federation_admin": None, "station_keeper": kept("station__")},
    change={"federation_admin": None},
)
