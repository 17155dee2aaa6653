"""The browser's WGS-84 → GCJ-02 shift (finder.js) gives the numbers geo.py gives, so markers land where the
API's distances say (SPEC §7.2). Runs finder.js's own functions in Node."""

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from workerhub.stations import geo

FINDER_JS = Path(geo.__file__).parent / "static" / "stations" / "finder.js"


def node_convert(points):
    script = (f"const g = require({json.dumps(str(FINDER_JS))});"
              f"const pts = {json.dumps(points)};"
              "console.log(JSON.stringify(pts.map(([lon, lat]) => [g.wgs84ToGcj02(lon, lat), g.gcj02ToWgs84(lon, lat)])));")
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out)


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js is not installed")
def test_the_javascript_port_agrees_with_geo_py():
    rng = random.Random(3)
    points = [[116.403988, 39.914266], [120.73, 28.85], [120.16, 30.25], [73.70, 3.90], [-0.1, 51.5]]
    points += [[rng.uniform(73.7, 135.0), rng.uniform(3.9, 53.5)] for _ in range(500)]
    for (lon, lat), (forward, inverse) in zip(points, node_convert(points), strict=True):
        expected = geo.wgs84_to_gcj02(lon, lat)
        # Same algorithm, same evaluation order; V8's sin/cos may differ from libm's in the last bit.
        assert abs(forward[0] - expected[0]) < 1e-12 and abs(forward[1] - expected[1]) < 1e-12
        back = geo.gcj02_to_wgs84(lon, lat)
        assert abs(inverse[0] - back[0]) < 1e-11 and abs(inverse[1] - back[1]) < 1e-11
    # Tiananmen, the published reference (research/libraries-domain.md §4).
    assert node_convert([[116.403988, 39.914266]])[0][0] == pytest.approx([116.41023240747266, 39.915670251113426],
                                                                        abs=1e-12)
