"""``workerhub stations nearest`` (SPEC §7.3, §1.7): a table by default, JSON with --json, exit 2 with one line
on stderr for bad arguments. Run in-process through the real entry point (workerhub.cli.main), so the command
sees the test database."""

import json

import pytest

from tests.stations.conftest import NAMES
from workerhub import cli


@pytest.fixture
def run(sw, capsys, monkeypatch):
    # The management entry point closes every connection when a command ends, which would end the test's
    # transaction too; the test database must outlive the command.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def call(*args):
        code = 0
        try:
            cli.main(["stations", *args])
        except SystemExit as exc:
            code = exc.code or 0
        out = capsys.readouterr()
        return code, out.out, out.err

    return call


def test_the_table_lists_the_nearest_stations_in_order(run):
    code, out, err = run("nearest", "--lat", "30.25", "--lon", "120.16")
    assert code == 0 and err == ""
    lines = out.strip().splitlines()
    assert lines[0].startswith("序号\t距离(米)")
    assert [line.split("\t")[5] for line in lines[1:]] == [NAMES[k] for k in ("paused", "xihu", "bank", "xianju",
                                                                             "beilun")]
    assert lines[2].split("\t")[:2] == ["2", "4020"]


def test_json_matches_the_api_example(run):
    code, out, _err = run("nearest", "--lat", "30.25", "--lon", "120.16", "--amenity", "water,charging",
                          "--open-now", "--at", "2024-03-13T12:00", "--limit", "10", "--json")
    body = json.loads(out)
    assert code == 0 and [r["name"] for r in body["results"]] == [NAMES["xihu"], NAMES["bank"], NAMES["xianju"]]
    assert body["results"][0]["distance_m"] == 4020 and body["results"][0]["open_now"] is True


def test_midnight_from_the_command_line(run):
    _code, out, _err = run("nearest", "--lat", "29.90", "--lon", "121.85", "--open-now", "--at", "2024-03-14T00:30",
                           "--limit", "1", "--json")
    assert [r["name"] for r in json.loads(out)["results"]] == [NAMES["beilun"]]


@pytest.mark.parametrize("args", [
    ("nearest", "--lat", "abc", "--lon", "120"),
    ("nearest", "--lat", "91", "--lon", "120"),
    ("nearest", "--lat", "30", "--lon", "181"),
    ("nearest", "--lat", "30"),
    ("nearest", "--lat", "30", "--lon", "120", "--amenity", "water,teleporter"),
    ("nearest", "--lat", "30", "--lon", "120", "--limit", "101"),
    ("nearest", "--lat", "30", "--lon", "120", "--limit", "ten"),
    ("nearest", "--lat", "30", "--lon", "120", "--at", "noon"),
    ("nearest", "--lat", "30", "--lon", "120", "--colour", "red"),
    ("fly",),
    ("import", "missing.xlsx"),
])
def test_bad_arguments_exit_2_with_one_line(run, args):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
