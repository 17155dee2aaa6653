"""Who may do what in talent (SPEC §0, §2), beyond "inside the role's region".

- Federation officers run the honours of their region: nominations (review, publicity, conferral, revocation),
  teams, studios, mentoring pairs, timeline entries, profiles and the cultivation ladder.
- An enterprise union nominates its own workers and teams and sees those nominations, its teams and studios, and
  its workers' mentoring pairs and timelines.
- A worker sees their own nominations, mentoring and timeline, and may nominate themself.
- The public reads the publicity list (公示) through ``selectors.publicity()``, never through these rules.
"""

from django.db.models import Q

from workerhub.core import scope
from workerhub.core.scope import by_organisation as org_field
from workerhub.core.scope import employees_of as employees
from workerhub.core.scope import oneself

from .models import ComplianceFlag, Mentorship, Nomination, Objection, Profile, Studio, Team, TimelineEvent


def union_nominations(binding, user) -> Q:
    """An enterprise union's nominations: those it made and those of its own workers and teams."""
    return (Q(nominated_by_id=binding.organisation_id) | employees("person__")(binding, user)
            | Q(team__organisation_id=binding.organisation_id))


FEDERATION_ALL = {"federation_admin": None}

scope.register(
    Nomination,
    view={"federation_admin": None, "enterprise_union": union_nominations, "worker": oneself("person_id")},
    add={"federation_admin": None, "enterprise_union": union_nominations, "worker": oneself("person_id")},
    change=FEDERATION_ALL, export={"federation_admin": None, "enterprise_union": union_nominations},
    report=FEDERATION_ALL,
)
scope.register(Objection, view=FEDERATION_ALL, add=FEDERATION_ALL, change=FEDERATION_ALL)
for _model in (Team, Studio):
    scope.register(
        _model,
        view={"federation_admin": None, "enterprise_union": org_field("organisation_id")},
        add={"federation_admin": None, "enterprise_union": org_field("organisation_id")},
        change={"federation_admin": None, "enterprise_union": org_field("organisation_id")},
        export=FEDERATION_ALL,
    )
scope.register(ComplianceFlag, view=FEDERATION_ALL, add=FEDERATION_ALL, change=FEDERATION_ALL, export=FEDERATION_ALL)
scope.register(
    Mentorship,
    view={"federation_admin": None, "enterprise_union": employees("master__"), "worker":
          lambda b, u: oneself("master_id")(b, u) | oneself("apprentice_id")(b, u)},
    add={"federation_admin": None, "enterprise_union": employees("master__")},
    change={"federation_admin": None, "enterprise_union": employees("master__")},
    export=FEDERATION_ALL,
)
def union_timeline(binding, user) -> Q:
    """An enterprise union's timeline entries: its own workers' and its own teams'."""
    return employees("person__")(binding, user) | Q(team__organisation_id=binding.organisation_id)


scope.register(
    TimelineEvent,
    view={"federation_admin": None, "enterprise_union": union_timeline, "worker": oneself("person_id")},
    add={"federation_admin": None, "enterprise_union": union_timeline},
    delete=FEDERATION_ALL,
)
scope.register(
    Profile,
    view={"federation_admin": None, "enterprise_union": employees("person__"), "worker": oneself("person_id")},
    report=FEDERATION_ALL, export=FEDERATION_ALL,
)
