"""Production mode (SPEC §1.10, §8.2): environment-only configuration, a clean ``check --deploy``,
refusal to start without a secret key."""

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from workerhub.skills.signing import generate_keypair, private_key_to_pem

PROD_ENV = {
    "WORKERHUB_ENV": "production",
    "SECRET_KEY": "x" * 30 + "-production-secret-key-for-the-check-0123456789",
    "WORKERHUB_FIELD_KEYS": Fernet.generate_key().decode(),
    "WORKERHUB_LOOKUP_KEY": "lookup-key-for-the-check",
    "WORKERHUB_CERT_SIGNING_KEY": private_key_to_pem(generate_keypair()[0]),
    "ALLOWED_HOSTS": "workerhub.example.org",
    "DATABASE_URL": "sqlite:////tmp/workerhub-deploy-check.sqlite3",
    "PATH": os.environ.get("PATH", "/usr/bin"),
}


def workerhub(*args, env):
    return subprocess.run([sys.executable, "-m", "workerhub.cli", *args], capture_output=True, text=True, env=env)


def test_check_deploy_reports_no_issues():
    run = workerhub("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PROD_ENV.items() if k != "SECRET_KEY"}
    run = workerhub("check", env=env)
    assert run.returncode != 0 and "SECRET_KEY must be set" in run.stderr


def test_production_headers_include_csp_hsts_and_secure_cookies(tmp_path):
    env = {**PROD_ENV, "WORKERHUB_STATIC_ROOT": str(tmp_path / "static")}
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/accounts/login/', secure=True, headers={'host': 'workerhub.example.org'});"
        "print(r.status_code); print(r.headers.get('Content-Security-Policy'));"
        "print(r.headers.get('Strict-Transport-Security')); print(r.cookies['csrftoken']['secure'])"
    )
    for step in (["migrate", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        subprocess.run([sys.executable, "-m", "workerhub.cli", *step], env=env, check=True)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**env, "DJANGO_SETTINGS_MODULE": "workerhub.settings"})
    status, csp, hsts, secure = run.stdout.split("\n")[:4]
    assert status == "200", run.stderr
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert hsts.startswith("max-age=31536000")
    assert secure == "True"
