from django.urls import path

from .views import certificates, documents, exams, training, verify

app_name = "skills"
urlpatterns = [
    # Exam sessions, registration, scores, publishing (views/exams.py)
    path("sessions/", exams.SessionList.as_view(), name="session_list"),
    path("sessions/export.xlsx", exams.SessionExport.as_view(), name="session_export"),
    path("sessions/new/", exams.session_create, name="session_create"),
    path("sessions/<int:pk>/", exams.session_detail, name="session_detail"),
    path("sessions/<int:pk>/register/", exams.register, name="register"),
    path("sessions/<int:pk>/scores/", exams.scores, name="scores"),
    path("sessions/<int:pk>/scores/template.xlsx", exams.scores_template, name="scores_template"),
    path("sessions/<int:pk>/scores/import/", exams.scores_import, name="scores_import"),
    path("sessions/<int:pk>/results.xlsx", exams.results_export, name="results_export"),
    # Before the transitions: "certificates" would otherwise match <str:action>.
    path("sessions/<int:pk>/certificates/", documents.session_pdfs, name="session_pdfs"),
    path("sessions/<int:pk>/<str:action>/", exams.session_transition, name="session_transition"),
    path("registrations/<int:pk>/amend/", exams.amend, name="amend"),
    path("registrations/<int:pk>/withdraw/", exams.withdraw, name="withdraw"),
    # Certificates (views/certificates.py)
    path("certificates/", certificates.CertificateList.as_view(), name="certificate_list"),
    path("certificates/export.xlsx", certificates.CertificateExport.as_view(), name="certificate_export"),
    path("certificates/<int:pk>/", certificates.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/revoke/", certificates.revoke, name="certificate_revoke"),
    path("mine/", certificates.my_certificates, name="my_certificates"),
    # PDFs (views/documents.py)
    path("certificates/<int:pk>/certificate.pdf", documents.certificate_pdf, name="certificate_pdf"),
    path("bundles/<int:job>/download/", documents.bundle_download, name="bundle_download"),
    # Training, competitions, alliances, occupations (views/training.py)
    path("occupations/", training.occupations, name="occupations"),
    path("alliances/", training.AllianceList.as_view(), name="alliance_list"),
    path("alliances/new/", training.alliance_create, name="alliance_create"),
    path("alliances/<int:pk>/", training.alliance_detail, name="alliance_detail"),
    path("alliances/<int:pk>/members/new/", training.alliance_member_add, name="alliance_member_add"),
    path("alliances/members/<int:pk>/recognition/", training.alliance_member_recognition,
         name="alliance_member_recognition"),
    path("courses/", training.CourseList.as_view(), name="course_list"),
    path("courses/new/", training.course_create, name="course_create"),
    path("courses/<int:pk>/", training.course_detail, name="course_detail"),
    path("courses/<int:pk>/sessions/new/", training.course_session_add, name="course_session_add"),
    path("courses/<int:pk>/enrol/", training.enrol, name="course_enrol"),
    path("courses/<int:pk>/attendance/<int:session>/", training.attendance, name="course_attendance"),
    path("courses/<int:pk>/complete/", training.complete, name="course_complete"),
    path("competitions/", training.CompetitionList.as_view(), name="competition_list"),
    path("competitions/new/", training.competition_create, name="competition_create"),
    path("competitions/<int:pk>/", training.competition_detail, name="competition_detail"),
    path("competitions/<int:pk>/events/new/", training.competition_event_add, name="competition_event_add"),
    path("competitions/events/<int:pk>/results/", training.result_add, name="result_add"),
    path("credits/<int:pk>/<str:decision>/", training.credit_decide, name="credit_decide"),
]

# Public verification, mounted at /verify/ by the root URLconf under the "verify" namespace (SPEC §3.6).
verify_patterns = [
    path("", verify.verify_form, name="form"),
    path("<str:token>", verify.verify_token, name="token"),
]
