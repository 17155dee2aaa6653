"""``workerhub housing quote`` (SPEC §6.5): a table by default, JSON with --json, exit 2 on bad arguments."""

import json
import os
import subprocess
import sys

import pytest


def run(*args):
    env = {**os.environ, "WORKERHUB_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "workerhub.cli", "housing", "quote", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_table_and_json_give_the_seed_figures():
    table = run("--principal", "700000", "--years", "30", "--rate", "3.1", "--compare-rate", "4.0")
    assert table.returncode == 0 and "2989.11" in table.stdout and "127003.15" in table.stdout
    as_json = run("--principal", "700000", "--years", "30", "--rate", "3.1", "--compare-rate", "4.0", "--json")
    body = json.loads(as_json.stdout)
    assert body["monthly_payment"] == "2989.11" and body["compare"]["monthly_payment"] == "3341.91"


def test_policy_rate_and_equal_principal():
    body = json.loads(run("--principal", "120000", "--months", "12", "--method", "equal-principal", "--city", "330500",
                          "--on", "2024-03-13", "--json").stdout)
    # ≤ 5 years on 2024-03-13: 2.6%. First payment = 10,000 + 120,000 × 2.6% / 12 = 10,260.00
    assert body["rate"] == "2.60" and body["first_payment"] == "10260.00"


@pytest.mark.parametrize("args", [
    ("--principal", "-5", "--years", "30", "--rate", "3.1"),
    ("--principal", "700000", "--years", "31", "--rate", "3.1"),
    ("--principal", "abc", "--years", "30", "--rate", "3.1"),
    ("--principal", "700000", "--years", "30", "--rate", "25"),
    ("--principal", "700000", "--years", "30"),
    ("--years", "30", "--rate", "3"),
    ("--principal", "1000", "--years", "1", "--city", "330500", "--on", "1999-01-01"),
])
def test_bad_arguments_exit_2_with_one_line(args):
    result = run(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
