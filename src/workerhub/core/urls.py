from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views.register, name="register"),
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:pk>/delete/", views.token_delete, name="token_delete"),
    path("people/", views.PersonList.as_view(), name="person_list"),
    path("people/new/", views.PersonEdit.as_view(), name="person_create"),
    path("people/export.xlsx", views.PersonExport.as_view(), name="person_export"),
    path("people/import/", views.person_import, name="person_import"),
    path("people/import/template.xlsx", views.person_template, name="person_template"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEdit.as_view(), name="person_edit"),
    path("people/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("people/<int:pk>/confirm/", views.person_confirm, name="person_confirm"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation_list"),
    path("organisations/new/", views.OrganisationEdit.as_view(), name="organisation_create"),
    path("organisations/export.xlsx", views.OrganisationExport.as_view(), name="organisation_export"),
    path("organisations/<int:pk>/", views.OrganisationDetail.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationEdit.as_view(), name="organisation_edit"),
    path("audit/", views.AuditList.as_view(), name="audit_list"),
    path("audit/export.xlsx", views.AuditExport.as_view(), name="audit_export"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
]
