"""Who may do what in skills (SPEC §0, §3), beyond "inside the role's region".

- Federation officers see everything of their region (sessions by exam site, certificates by the holder's
  region) and run alliances, courses and competitions there.
- An evaluation organisation (evaluator) creates and runs its own exam sessions: registrations, scores,
  publishing, and the certificates those sessions issued (revocation included).
- An enterprise union registers its own workers, sees their registrations and certificates, sees the sessions
  of its region, and revokes the enterprise-recognition certificates its enterprise issued.
- A worker sees their own registrations, results and certificates, and the sessions open for registration.
- The public verifies certificates through ``selectors.verify_*``, never through these rules.
"""

from django.db.models import Q

from workerhub.core import scope
from workerhub.core.scope import by_organisation as org_field
from workerhub.core.scope import employees_of as employees
from workerhub.core.scope import oneself

from .models import (
    Alliance,
    AllianceMember,
    Certificate,
    Competition,
    CompetitionEvent,
    CompetitionResult,
    Course,
    CourseSession,
    Credit,
    Enrolment,
    Evaluator,
    ExamSession,
    Registration,
    ScoreAmendment,
)


def member_alliance(path: str):
    def rule(binding, user) -> Q:
        ids = AllianceMember.objects.filter(organisation_id=binding.organisation_id).values("alliance_id")
        return Q(**{f"{path}__in": ids})

    return rule


def open_or_registered(binding, user) -> Q:
    """A worker sees sessions open for registration and those they registered for."""
    mine = Registration.objects.filter(person_id=user.person_id).values("session_id") if user.person_id else []
    return Q(status=ExamSession.Status.OPEN) | Q(pk__in=mine)


def region_or_partner(binding, user) -> Q:
    """An enterprise union sees its region's sessions (to register workers) and those its enterprise partners."""
    return scope.in_region(ExamSession)(binding, user) | Q(partner_id=binding.organisation_id)


own_sessions = org_field("evaluator__organisation_id")

scope.register(Evaluator, view={"federation_admin": None, "evaluator": org_field("organisation_id")})
scope.register(
    Alliance,
    view={"federation_admin": None, "evaluator": member_alliance("pk"), "enterprise_union": member_alliance("pk")},
    add={"federation_admin": None}, change={"federation_admin": None}, export={"federation_admin": None},
)
scope.register(
    AllianceMember,
    view={"federation_admin": None, "evaluator": member_alliance("alliance_id"),
          "enterprise_union": member_alliance("alliance_id")},
    change={"federation_admin": None},
)
scope.register(
    Course,
    view={"federation_admin": None, "evaluator": org_field("organiser_id"), "enterprise_union": org_field("organiser_id"),
          "worker": None},
    add={"federation_admin": None, "evaluator": org_field("organiser_id"), "enterprise_union": org_field("organiser_id")},
    change={"federation_admin": None, "evaluator": org_field("organiser_id"),
            "enterprise_union": org_field("organiser_id")},
    export={"federation_admin": None},
)
scope.register(
    CourseSession,
    view={"federation_admin": None, "evaluator": org_field("course__organiser_id"),
          "enterprise_union": org_field("course__organiser_id"), "worker": None},
)
scope.register(
    Enrolment,
    view={"federation_admin": None, "evaluator": org_field("course__organiser_id"),
          "enterprise_union": lambda b, u: employees("person__")(b, u) | org_field("course__organiser_id")(b, u),
          "worker": oneself("person_id")},
    change={"federation_admin": None, "evaluator": org_field("course__organiser_id"),
            "enterprise_union": org_field("course__organiser_id")},
    export={"federation_admin": None},
)
for _model, _prefix in ((Competition, ""), (CompetitionEvent, "competition__"),
                        (CompetitionResult, "event__competition__"), (Credit, "result__event__competition__")):
    scope.register(
        _model,
        view={"federation_admin": None, "evaluator": org_field(f"{_prefix}organiser_id"),
              "enterprise_union": org_field(f"{_prefix}organiser_id")},
        add={"federation_admin": None},
        change={"federation_admin": None, "evaluator": org_field(f"{_prefix}organiser_id"),
                "enterprise_union": org_field(f"{_prefix}organiser_id")},
        export={"federation_admin": None},
    )
scope.register(
    ExamSession,
    view={"federation_admin": None, "evaluator": own_sessions,
          "enterprise_union": region_or_partner, "worker": open_or_registered},
    add={"evaluator": own_sessions},
    change={"evaluator": own_sessions},
    export={"federation_admin": None, "evaluator": own_sessions},
)
scope.register(
    Registration,
    view={"federation_admin": None, "evaluator": org_field("session__evaluator__organisation_id"),
          "enterprise_union": employees("person__"), "worker": oneself("person_id")},
    change={"evaluator": org_field("session__evaluator__organisation_id"), "enterprise_union": employees("person__")},
    export={"federation_admin": None, "evaluator": org_field("session__evaluator__organisation_id")},
)
scope.register(
    ScoreAmendment,
    view={"federation_admin": None, "evaluator": org_field("registration__session__evaluator__organisation_id")},
)


def _issued_by_own_session(binding, user) -> Q:
    return Q(registration__session__evaluator__organisation_id=binding.organisation_id) | Q(
        issuer_id=binding.organisation_id)


scope.register(
    Certificate,
    view={"federation_admin": None, "evaluator": _issued_by_own_session,
          "enterprise_union": lambda b, u: employees("person__")(b, u) | Q(issuer_id=b.organisation_id),
          "worker": oneself("person_id")},
    change={"evaluator": _issued_by_own_session, "enterprise_union": org_field("issuer_id")},
    export={"federation_admin": None, "evaluator": _issued_by_own_session},
)
