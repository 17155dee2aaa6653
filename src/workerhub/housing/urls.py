from django.urls import path

from . import views

app_name = "housing"
urlpatterns = [
    path("", views.home, name="home"),
    path("calculator/", views.calculator, name="calculator"),
    path("calculator/schedule.<str:fmt>", views.calculator_download, name="calculator_download"),
    path("accounts/", views.AccountList.as_view(), name="account_list"),
    path("accounts/export.xlsx", views.AccountExport.as_view(), name="account_export"),
    path("accounts/open/", views.account_open, name="account_open"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/confirm/", views.account_confirm, name="account_confirm"),
    path("accounts/<int:pk>/deposit/", views.account_deposit, name="account_deposit"),
    path("accounts/<int:pk>/assess/", views.account_assess, name="account_assess"),
    path("accounts/<int:pk>/withdraw/", views.account_withdraw, name="account_withdraw"),
    path("applications/", views.ApplicationList.as_view(), name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/loan/repay/", views.loan_repay, name="loan_repay"),
    path("applications/<int:pk>/<str:action>/", views.application_transition, name="application_transition"),
    path("statistics/", views.statistics, name="statistics"),
    path("settle/", views.settle, name="settle"),
]
